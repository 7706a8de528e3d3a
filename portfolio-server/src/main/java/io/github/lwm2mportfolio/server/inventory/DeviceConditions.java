package io.github.lwm2mportfolio.server.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jdbi.v3.core.statement.Query;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;

/** The WHERE clause of a filtered read of the devices table, built one condition at a time, with its arguments. */
final class DeviceConditions {

    private final List<String> conditions = new ArrayList<>();
    private final List<Object> arguments = new ArrayList<>();

    /** The text filter as search_text holds it: stripped and lower-case; empty for none. */
    static String searchText(String text) {
        return text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    }

    /**
     * The devices whose search_text contains {@code searchText} (empty: any) and that are in {@code state}
     * (null: any) as reported at the cutoff: COMPLIANT only with a fresh verdict, UNVERIFIED also with a stale
     * one.
     */
    static DeviceConditions matching(ComplianceState state, String searchText, long cutoff) {
        DeviceConditions where = new DeviceConditions();
        if (!searchText.isEmpty()) {
            where.and("search_text LIKE ? ESCAPE '!'",
                    "%" + searchText.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        }
        if (state == ComplianceState.COMPLIANT) {
            where.and("state = 'COMPLIANT' AND verified_at >= ?", cutoff);
        } else if (state == ComplianceState.UNVERIFIED) {
            where.and("(state = 'UNVERIFIED' OR (state = 'COMPLIANT' AND verified_at < ?))", cutoff);
        } else if (state != null) {
            where.and("state = ?", state.name());
        }
        return where;
    }

    /** Adds a condition with a {@code ?} for each argument, a String, a Long or a Boolean. */
    DeviceConditions and(String condition, Object... values) {
        conditions.add(condition);
        arguments.addAll(List.of(values));
        return this;
    }

    /** " WHERE ..." or nothing. */
    String where() {
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    /** Binds the arguments from position {@code first} on; returns the position after them. */
    int bind(Query query, int first) {
        int position = first;
        for (Object argument : arguments) {
            if (argument instanceof Long l) {
                query.bind(position++, l);
            } else if (argument instanceof Boolean b) {
                query.bind(position++, b);
            } else {
                query.bind(position++, (String) argument);
            }
        }
        return position;
    }
}
