package io.github.lwm2mportfolio.server.inventory;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;

/**
 * The devices per state, as reported: the stored counts of the device_counts table with the COMPLIANT devices
 * whose verdict is older than the cutoff moved to UNVERIFIED. The writes keep the table up to date through
 * {@link #adjust}, so that totals need no scan of the devices.
 */
record DeviceCounts(Map<ComplianceState, Long> effective, long stale) {

    /** Rows per state in device_counts (the migration makes them). */
    private static final int COUNT_SHARDS = 16;

    long total() {
        return effective.values().stream().mapToLong(Long::longValue).sum();
    }

    /** One statement, so one snapshot of the counts and the stale devices. */
    static DeviceCounts read(Handle h, long cutoff) {
        Map<ComplianceState, Long> counts = new EnumMap<>(ComplianceState.class);
        for (ComplianceState state : ComplianceState.values()) {
            counts.put(state, 0L);
        }
        long[] stale = { 0 };
        h.createQuery("SELECT state, SUM(n) FROM device_counts GROUP BY state UNION ALL "
                + "SELECT 'STALE', COUNT(*) FROM devices WHERE state = 'COMPLIANT' AND verified_at < ?")
                .bind(0, cutoff)
                .map((rs, ctx) -> {
                    String state = rs.getString(1);
                    if (state.equals("STALE")) {
                        stale[0] = rs.getLong(2);
                    } else {
                        counts.put(ComplianceState.valueOf(state), rs.getLong(2));
                    }
                    return state;
                })
                .list();
        counts.merge(ComplianceState.COMPLIANT, -stale[0], Long::sum);
        counts.merge(ComplianceState.UNVERIFIED, stale[0], Long::sum);
        return new DeviceCounts(counts, stale[0]);
    }

    /** A row of device_counts: a state and one of {@value DeviceCounts#COUNT_SHARDS} shards of the endpoints. */
    record CountKey(ComplianceState state, int shard) implements Comparable<CountKey> {

        static CountKey of(ComplianceState state, String endpoint) {
            return new CountKey(state, Math.floorMod(endpoint.hashCode(), COUNT_SHARDS));
        }

        @Override
        public int compareTo(CountKey other) {
            int byState = Integer.compare(state.ordinal(), other.state.ordinal());
            return byState != 0 ? byState : Integer.compare(shard, other.shard);
        }
    }

    /** Applies the changes in one order for every transaction, so that two never wait for each other. */
    static void adjust(Handle h, TreeMap<CountKey, Long> deltas) {
        PreparedBatch batch = h.prepareBatch("UPDATE device_counts SET n = n + ? WHERE state = ? AND shard = ?");
        deltas.forEach((key, delta) -> {
            if (delta != 0) {
                batch.bind(0, delta).bind(1, key.state().name()).bind(2, key.shard()).add();
            }
        });
        if (batch.size() > 0) {
            batch.execute();
        }
    }
}
