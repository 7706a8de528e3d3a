package io.github.lwm2mportfolio.server.inventory;

import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/** Write transactions that are run again when they meet a deadlock, a serialization failure or a lock timeout. */
final class RetryingTransactions {

    private static final int MAX_ATTEMPTS = 5;
    private static final Set<String> TRANSIENT_SQL_STATES = Set.of(
            "40001", // serialization failure; H2's deadlock
            "40P01", // PostgreSQL deadlock
            "23505", // unique violation: two transactions created the same row at once; the next attempt finds it
            "HYT00", // H2 lock timeout
            "90131"); // H2 concurrent update

    private final Jdbi jdbi;
    private final ComplianceChanges complianceChanges;
    private volatile TransactionMetrics metrics = TransactionMetrics.none();

    RetryingTransactions(Jdbi jdbi, ComplianceChanges complianceChanges) {
        this.jdbi = jdbi;
        this.complianceChanges = complianceChanges;
    }

    /** Times the transactions from now on. */
    void measureWith(TransactionMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Runs a write transaction, again when it met a deadlock, a serialization failure or a lock timeout; its
     * compliance changes are told once it committed.
     */
    <T> T write(HandleCallback<T, RuntimeException> work) {
        long start = System.nanoTime();
        for (int attempt = 1;; attempt++) {
            try {
                T result = jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, work);
                metrics.ended(start, true);
                complianceChanges.committed();
                return result;
            } catch (RuntimeException e) {
                complianceChanges.discarded();
                if (!(e instanceof JdbiException) || attempt >= MAX_ATTEMPTS || !isTransient(e)) {
                    metrics.ended(start, false);
                    throw e;
                }
                metrics.retried();
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L << attempt));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    if (s.getSQLState() != null && TRANSIENT_SQL_STATES.contains(s.getSQLState())) {
                        return true;
                    }
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
