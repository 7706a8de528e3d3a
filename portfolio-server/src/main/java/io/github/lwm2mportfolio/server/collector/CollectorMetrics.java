package io.github.lwm2mportfolio.server.collector;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.eclipse.leshan.core.request.DownlinkDeviceManagementRequest;

import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/**
 * What the collector counts and times for {@code /metrics}: collections started and finished by outcome, verdicts
 * by outcome, how long a device waits in the queue, and the latency of each LwM2M request by operation. One call
 * per event, so that the collector's own code keeps a line per hook.
 */
public final class CollectorMetrics {

    /** How a collection ended. */
    public enum Finish {
        /** Read (and challenged, when it has a host instance) to the end. */
        COLLECTED,
        /** The device did not answer, answered an error or left: a device's trouble. */
        FAILED,
        /** The server's own fault (a bug, the database). */
        ERROR
    }

    /** Histogram buckets of latencies and waits: from loopback to a sleepy NB-IoT device. */
    private static final Duration[] LATENCY_BUCKETS = { Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30) };

    private final MeterRegistry registry;
    private final Counter started;
    private final Map<Finish, Counter> finished = new EnumMap<>(Finish.class);
    private final Map<VerificationOutcome, Counter> verdicts = new EnumMap<>(VerificationOutcome.class);
    private final Timer queueWait;
    /** When each waiting device was first queued (a device waits once, at its first place). */
    private final Map<String, Long> queuedAt = new ConcurrentHashMap<>();

    public CollectorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.started = Counter.builder("portfolio.collections.started").description("Collections begun")
                .register(registry);
        for (Finish finish : Finish.values()) {
            finished.put(finish, Counter.builder("portfolio.collections.finished").description("Collections ended")
                    .tag("outcome", finish.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        for (VerificationOutcome outcome : VerificationOutcome.values()) {
            verdicts.put(outcome, Counter.builder("portfolio.verdicts").description("Verdicts recorded")
                    .tag("outcome", outcome.name()).register(registry));
        }
        this.queueWait = Timer.builder("portfolio.collector.queue.wait")
                .description("How long a device waited in the queue for a worker")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    }

    /** Counts nothing: for a collector built without a registry. */
    public static CollectorMetrics none() {
        return new CollectorMetrics(new CompositeMeterRegistry());
    }

    void queued(String endpoint) {
        queuedAt.putIfAbsent(endpoint, System.nanoTime());
    }

    /** A worker took the device (null: on-demand work, which is not a device's collection). */
    void taken(String endpoint) {
        Long since = endpoint == null ? null : queuedAt.remove(endpoint);
        if (since != null) {
            queueWait.record(System.nanoTime() - since, TimeUnit.NANOSECONDS);
        }
    }

    /** The device left the queue without being collected. */
    void dropped(String endpoint) {
        queuedAt.remove(endpoint);
    }

    void collectionStarted() {
        started.increment();
    }

    void collectionFinished(Finish finish) {
        finished.get(finish).increment();
    }

    void verdict(VerificationOutcome outcome) {
        verdicts.get(outcome).increment();
    }

    /** Starts timing one LwM2M request; {@link Request#end(String)} records it. */
    Request request(DownlinkDeviceManagementRequest<?> request) {
        return new Request(operation(request), System.nanoTime());
    }

    /** "read", "observe_composite", "execute", "write"...: the request's class without "Request", in snake case. */
    static String operation(DownlinkDeviceManagementRequest<?> request) {
        return request.getClass().getSimpleName().replace("Request", "").replaceAll("([a-z])([A-Z])", "$1_$2")
                .toLowerCase(Locale.ROOT);
    }

    /** One LwM2M request being timed. */
    final class Request {
        private final String operation;
        private final long start;

        private Request(String operation, long start) {
            this.operation = operation;
            this.start = start;
        }

        /** @param outcome "success", "error" (an error code), "timeout" or "failure" (no usable answer) */
        void end(String outcome) {
            Timer.builder("portfolio.coap.requests").description("LwM2M requests to devices, by operation")
                    .tags("operation", operation, "outcome", outcome).serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
