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
 * whether another page follows. The total is counted only when the query asks for it. Other orders
 * ({@link DeviceSort}) page the same way on (value, endpoint).
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
            List<DeviceRow> rows = query.inEndpointOrder() ? rows(h, query, text, cutoff)
                    : sortedRows(h, query, text, cutoff);
            boolean more = rows.size() > query.limit();
            List<DeviceRow> page = more ? rows.subList(0, query.limit()) : rows;
            List<DeviceSummary> items = new ArrayList<>(page.size());
            for (DeviceRow row : page) {
                items.add(states.summary(row, cutoff));
            }
            String next = more ? next(query, page.get(page.size() - 1)) : null;
            Long total = query.withTotal() ? total(h, query.state(), text, cutoff) : null;
            return new CursorPage<>(items, query.limit(), next, total);
        });
    }

    /** The cursor after {@code last}: its endpoint in the endpoint order, else its value and endpoint. */
    private static String next(DeviceCursorQuery query, DeviceRow last) {
        return query.sort() == DeviceSort.ENDPOINT ? last.endpoint : SortCursor.after(query.sort(), last);
    }

    /**
     * Up to limit + 1 rows after the cursor in another order than the endpoint's: the matching devices sorted
     * by the column, then the endpoint, NULLs last going up and first going down (where both databases put
     * them by default), with the cursor as a keyset condition.
     */
    private static List<DeviceRow> sortedRows(Handle h, DeviceCursorQuery query, String text, long cutoff) {
        DeviceSort sort = query.sort();
        String column = sort.column();
        DeviceConditions where = DeviceConditions.matching(query.state(), text, cutoff);
        if (query.after() != null) {
            if (sort == DeviceSort.ENDPOINT) {
                where.and(query.descending() ? "endpoint < ?" : "endpoint > ?", query.after());
            } else {
                keyset(where, column, SortCursor.parse(sort, query.after()), query.descending());
            }
        }
        String direction = query.descending() ? " DESC" : " ASC";
        String order = sort == DeviceSort.ENDPOINT ? "endpoint" + direction
                : column + direction + (query.descending() ? " NULLS FIRST" : " NULLS LAST") + ", endpoint"
                        + direction;
        Query select = h.createQuery("SELECT " + DeviceRow.COLUMNS + " FROM devices" + where.where()
                + " ORDER BY " + order + " LIMIT " + (query.limit() + 1));
        where.bind(select, 0);
        return select.map(DeviceRow.MAPPER).list();
    }

    /** The rows after {@code cursor} in the order (column, endpoint). */
    private static void keyset(DeviceConditions where, String column, SortCursor cursor, boolean descending) {
        Object value = cursor.value();
        String endpoint = cursor.endpoint();
        if (!descending && value == null) {
            where.and("(" + column + " IS NULL AND endpoint > ?)", endpoint);
        } else if (!descending) {
            where.and("(" + column + " > ? OR (" + column + " = ? AND endpoint > ?) OR " + column + " IS NULL)",
                    value, value, endpoint);
        } else if (value == null) {
            where.and("((" + column + " IS NULL AND endpoint < ?) OR " + column + " IS NOT NULL)", endpoint);
        } else {
            where.and("(" + column + " < ? OR (" + column + " = ? AND endpoint < ?))", value, value, endpoint);
        }
    }

    /** Up to limit + 1 rows after the cursor, in endpoint order. */
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
