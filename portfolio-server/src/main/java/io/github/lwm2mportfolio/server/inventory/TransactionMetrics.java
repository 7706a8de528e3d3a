package io.github.lwm2mportfolio.server.inventory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/** The inventory's write transactions for {@code /metrics}: their time (retries included) by outcome, the retries. */
final class TransactionMetrics {

    private static final Duration[] BUCKETS = { Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5) };

    private final Timer committed;
    private final Timer failed;
    private final Counter retries;

    TransactionMetrics(MeterRegistry registry) {
        this.committed = timer(registry, "committed");
        this.failed = timer(registry, "failed");
        this.retries = Counter.builder("portfolio.db.transaction.retries")
                .description("Write transactions run again after a deadlock, a serialization failure or a lock timeout")
                .register(registry);
    }

    /** Measures nothing, until the server binds a registry. */
    static TransactionMetrics none() {
        return new TransactionMetrics(new CompositeMeterRegistry());
    }

    void ended(long startNanos, boolean committedOk) {
        (committedOk ? committed : failed).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    void retried() {
        retries.increment();
    }

    private static Timer timer(MeterRegistry registry, String outcome) {
        return Timer.builder("portfolio.db.transactions").description("Inventory write transactions, retries included")
                .tag("outcome", outcome).serviceLevelObjectives(BUCKETS).register(registry);
    }
}
