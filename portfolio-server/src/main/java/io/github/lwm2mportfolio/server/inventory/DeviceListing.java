package io.github.lwm2mportfolio.server.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;

/** The fleet as a whole: pages of the filtered list, every device in turn, and the devices per state. */
final class DeviceListing {

    private final Jdbi jdbi;
    private final DeviceStates states;

    DeviceListing(Jdbi jdbi, DeviceStates states) {
        this.jdbi = jdbi;
        this.states = states;
    }

    /**
     * Without a text filter the total comes from the kept per-state counts and the page from an index on
     * (state, endpoint); with one, both scan what the filter matches (on PostgreSQL through a trigram index
     * when pg_trgm could be installed).
     */
    Page<DeviceSummary> devices(DeviceQuery query) {
        Objects.requireNonNull(query, "query");
        long cutoff = states.cutoff();
        ComplianceState state = query.state();
        String text = DeviceConditions.searchText(query.text());
        long offset = (long) query.page() * query.size();
        String window = " ORDER BY endpoint LIMIT " + query.size() + " OFFSET " + offset;
        return jdbi.withHandle(h -> {
            List<DeviceRow> rows;
            long total;
            if (text.isEmpty()) {
                DeviceCounts counts = DeviceCounts.read(h, cutoff);
                total = state == null ? counts.total() : counts.effective().get(state);
                // the page's endpoints from an index first, then their rows: deep pages skip index entries only
                String endpoints;
                Object argument = null;
                if (state == null) {
                    endpoints = "SELECT endpoint FROM devices" + window;
                } else if (state == ComplianceState.COMPLIANT) {
                    endpoints = "SELECT endpoint FROM devices WHERE state = 'COMPLIANT' AND verified_at >= ?" + window;
                    argument = cutoff;
                } else if (state == ComplianceState.UNVERIFIED && counts.stale() > 0) {
                    // two index range scans merged, rather than one OR that would sort the whole state
                    long reach = offset + query.size();
                    endpoints = "SELECT endpoint FROM ("
                            + "(SELECT endpoint FROM devices WHERE state = 'UNVERIFIED' ORDER BY endpoint LIMIT " + reach
                            + ") UNION ALL (SELECT endpoint FROM devices WHERE state = 'COMPLIANT' AND verified_at < ? "
                            + "ORDER BY endpoint LIMIT " + reach + ")) AS merged" + window;
                    argument = cutoff;
                } else {
                    endpoints = "SELECT endpoint FROM devices WHERE state = ?" + window;
                    argument = state.name();
                }
                Query select = h.createQuery("SELECT " + DeviceRow.COLUMNS + " FROM devices WHERE endpoint IN ("
                        + endpoints + ") ORDER BY endpoint");
                if (argument instanceof Long l) {
                    select.bind(0, l);
                } else if (argument instanceof String name) {
                    select.bind(0, name);
                }
                rows = select.map(DeviceRow.MAPPER).list();
            } else {
                DeviceConditions where = DeviceConditions.matching(state, text, cutoff);
                Query select = h.createQuery("SELECT " + DeviceRow.COLUMNS + " FROM devices" + where.where() + window);
                where.bind(select, 0);
                rows = select.map(DeviceRow.MAPPER).list();
                if (!rows.isEmpty() && rows.size() < query.size()) {
                    total = offset + rows.size();
                } else {
                    total = count(h, where);
                }
            }
            List<DeviceSummary> items = new ArrayList<>(rows.size());
            for (DeviceRow row : rows) {
                items.add(states.summary(row, cutoff));
            }
            return new Page<>(items, query.page(), query.size(), total);
        });
    }

    /**
     * Gives every device to {@code consumer}, ordered by endpoint, {@code batchSize} rows read at a time (not
     * one snapshot: a device written meanwhile may appear as it was before or after the write).
     */
    void forEachDevice(Consumer<DeviceSummary> consumer, int batchSize) {
        Objects.requireNonNull(consumer, "consumer");
        long cutoff = states.cutoff();
        String after = null;
        while (true) {
            String from = after;
            List<DeviceRow> rows = jdbi.withHandle(h -> {
                Query q = h.createQuery("SELECT " + DeviceRow.COLUMNS + " FROM devices"
                        + (from == null ? "" : " WHERE endpoint > ?") + " ORDER BY endpoint LIMIT " + batchSize);
                if (from != null) {
                    q.bind(0, from);
                }
                return q.map(DeviceRow.MAPPER).list();
            });
            for (DeviceRow row : rows) {
                consumer.accept(states.summary(row, cutoff));
            }
            if (rows.size() < batchSize) {
                return;
            }
            after = rows.get(rows.size() - 1).endpoint;
        }
    }

    Map<ComplianceState, Long> complianceCounts() {
        long cutoff = states.cutoff();
        return jdbi.withHandle(h -> DeviceCounts.read(h, cutoff).effective());
    }

    /** How many devices meet these conditions: a scan of what they match. */
    static long count(Handle h, DeviceConditions where) {
        Query count = h.createQuery("SELECT COUNT(*) FROM devices" + where.where());
        where.bind(count, 0);
        return count.mapTo(Long.class).one();
    }
}
