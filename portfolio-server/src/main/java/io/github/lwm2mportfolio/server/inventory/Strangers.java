package io.github.lwm2mportfolio.server.inventory;

import java.time.Instant;
import java.util.List;
import java.util.TreeMap;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.DeviceCounts.CountKey;

/**
 * Tells established devices from strangers (issue 11). Established: a device with a DTLS credential, or one whose
 * collection completed at least once and found a Portfolio object. A stranger that is gone (offline) and was not
 * seen for a while is purged: a flood of fake registrations leaves nothing behind in the inventory.
 */
final class Strangers {

    /** The rows purged: offline, no credential, not seen since the cutoff, and never established. */
    private static final String PURGEABLE = "FROM devices d WHERE d.online = FALSE "
            + "AND COALESCE(d.last_seen, d.registered_at, 0) < :cutoff "
            + "AND (d.collected_at IS NULL OR (d.has_portfolio_object = FALSE AND NOT EXISTS "
            + "(SELECT 1 FROM portfolio_instances p WHERE p.endpoint = d.endpoint))) "
            + "AND d.registered_over_dtls = FALSE "
            + "AND NOT EXISTS (SELECT 1 FROM credentials c WHERE c.endpoint = d.endpoint)";

    private final Jdbi jdbi;
    private final RetryingTransactions transactions;

    Strangers(Jdbi jdbi, RetryingTransactions transactions) {
        this.jdbi = jdbi;
        this.transactions = transactions;
    }

    boolean established(String endpoint) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM devices d WHERE d.endpoint = :e "
                + "AND d.collected_at IS NOT NULL AND d.has_portfolio_object = TRUE UNION ALL "
                + "SELECT COUNT(*) FROM credentials c WHERE c.endpoint = :e")
                .bind("e", endpoint).mapTo(Long.class).list().stream().anyMatch(n -> n > 0));
    }

    /** Deletes the purgeable rows, a batch per transaction; returns how many. */
    int purge(Instant notSeenSince) {
        long cutoff = notSeenSince.toEpochMilli();
        int total = 0;
        while (true) {
            int purged = transactions.write(h -> {
                List<String[]> rows = h.createQuery("SELECT d.endpoint, d.state " + PURGEABLE
                        + " ORDER BY d.endpoint LIMIT " + JdbcInventory.BATCH + " FOR UPDATE")
                        .bind("cutoff", cutoff)
                        .map((rs, ctx) -> new String[] { rs.getString(1), rs.getString(2) }).list();
                if (rows.isEmpty()) {
                    return 0;
                }
                PreparedBatch delete = h.prepareBatch("DELETE FROM devices WHERE endpoint = ?");
                TreeMap<CountKey, Long> deltas = new TreeMap<>();
                for (String[] row : rows) {
                    delete.bind(0, row[0]).add();
                    deltas.merge(CountKey.of(ComplianceState.valueOf(row[1]), row[0]), -1L, Long::sum);
                }
                delete.execute();
                DeviceCounts.adjust(h, deltas);
                return rows.size();
            });
            total += purged;
            if (purged < JdbcInventory.BATCH) {
                return total;
            }
        }
    }
}
