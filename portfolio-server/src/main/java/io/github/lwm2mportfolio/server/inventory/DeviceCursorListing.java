package io.github.lwm2mportfolio.server.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;

/**
 * The fleet list by cursor (keyset paging): {@code WHERE endpoint > ? ORDER BY endpoint LIMIT n}, so that the
 * database seeks to the cursor in an index instead of walking past an offset; one row more than the page tells
 * whether another page follows. The total is counted only when the query asks for it.
 */
final class DeviceCursorListing {

    /**
     * The endpoint order within one state, as the index on (state, endpoint, verified_at) holds it: H2 reads
     * that index in order, rather than sorting every device after the cursor, only when told "state, endpoint".
     */
    private static final String IN_STATE_ORDER = " ORDER BY state, endpoint";

    private final Jdbi jdbi;
    private final DeviceStates states;

    DeviceCursorListing(Jdbi jdbi, DeviceStates states) {
        this.jdbi = jdbi;
        this.states = states;
    }

    CursorPage<DeviceSummary> devices(DeviceCursorQuery query) {
        Objects.requireNonNull(query, "query");
        long cutoff = states.cutoff();
        String text = DeviceConditions.searchText(query.text());
        return jdbi.withHandle(h -> {
            List<DeviceRow> rows = rows(h, query, text, cutoff);
            boolean more = rows.size() > query.limit();
            List<DeviceSummary> items = new ArrayList<>(Math.min(rows.size(), query.limit()));
            for (DeviceRow row : more ? rows.subList(0, query.limit()) : rows) {
                items.add(states.summary(row, cutoff));
            }
            String next = more ? items.get(items.size() - 1).endpoint() : null;
            Long total = query.withTotal() ? total(h, query.state(), text, cutoff) : null;
            return new CursorPage<>(items, query.limit(), next, total);
        });
    }

    /** Up to limit + 1 rows after the cursor. */
    private static List<DeviceRow> rows(Handle h, DeviceCursorQuery query, String text, long cutoff) {
        int reach = query.limit() + 1;
        ComplianceState state = query.state();
        DeviceConditions where;
        if (text.isEmpty() && state == ComplianceState.UNVERIFIED) {
            if (anyStale(h, cutoff)) {
                return unverifiedRows(h, query.after(), reach, cutoff);
            }
            where = new DeviceConditions().and("state = ?", ComplianceState.UNVERIFIED.name());
        } else {
            where = DeviceConditions.matching(state, text, cutoff);
        }
        if (query.after() != null) {
            where.and("endpoint > ?", query.after());
        }
        // but for UNVERIFIED with a text filter (an OR of two states), one stored state is asked for
        boolean oneState = state != null && (state != ComplianceState.UNVERIFIED || text.isEmpty());
        Query select = h.createQuery("SELECT " + DeviceRow.COLUMNS + " FROM devices" + where.where()
                + (oneState ? IN_STATE_ORDER : " ORDER BY endpoint") + " LIMIT " + reach);
        where.bind(select, 0);
        return select.map(DeviceRow.MAPPER).list();
    }

    /** Whether a COMPLIANT device's verdict has aged past the cutoff: one index seek. */
    private static boolean anyStale(Handle h, long cutoff) {
        return !h.createQuery("SELECT endpoint FROM devices WHERE state = 'COMPLIANT' AND verified_at < ? LIMIT 1")
                .bind(0, cutoff).mapTo(String.class).list().isEmpty();
    }

    /**
     * UNVERIFIED as reported: the stored UNVERIFIED devices and the COMPLIANT ones whose verdict aged, as two
     * index range scans from the cursor merged, rather than one OR that the databases would not read in order.
     */
    private static List<DeviceRow> unverifiedRows(Handle h, String after, int reach, long cutoff) {
        String from = after == null ? "" : " AND endpoint > ?";
        Query select = h.createQuery("SELECT " + DeviceRow.COLUMNS + " FROM devices WHERE endpoint IN ("
                + "SELECT endpoint FROM ("
                + "(SELECT endpoint FROM devices WHERE state = 'UNVERIFIED'" + from
                + IN_STATE_ORDER + " LIMIT " + reach + ") UNION ALL "
                + "(SELECT endpoint FROM devices WHERE state = 'COMPLIANT' AND verified_at < ?" + from
                + IN_STATE_ORDER + " LIMIT " + reach + ")) AS merged ORDER BY endpoint LIMIT " + reach
                + ") ORDER BY endpoint");
        int position = 0;
        if (after != null) {
            select.bind(position++, after);
        }
        select.bind(position++, cutoff);
        if (after != null) {
            select.bind(position, after);
        }
        return select.map(DeviceRow.MAPPER).list();
    }

    /** Without a text filter from the kept per-state counts; with one, by a count of what it matches. */
    private static long total(Handle h, ComplianceState state, String text, long cutoff) {
        if (text.isEmpty()) {
            DeviceCounts counts = DeviceCounts.read(h, cutoff);
            return state == null ? counts.total() : counts.effective().get(state);
        }
        return DeviceListing.count(h, DeviceConditions.matching(state, text, cutoff));
    }
}
