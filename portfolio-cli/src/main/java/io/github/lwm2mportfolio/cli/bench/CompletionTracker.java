package io.github.lwm2mportfolio.cli.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Times each device from its registration to the end of its work on the server (done or failed), and the
 * server's CPU time from the first registration to the last device done. Only a device's first registration
 * counts, and only the first outcome after it. Called from the server's threads.
 */
final class CompletionTracker implements DeviceOutcomes {

    private static final int FAILURES_KEPT = 10;

    private final String mode;
    private final int expected;
    private final LongSupplier cpuNanos;
    private final Map<String, Long> registeredAt = new ConcurrentHashMap<>();
    private final Map<String, Boolean> finished = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> allFinished = new CompletableFuture<>();
    // Guarded by this.
    private final List<Long> latencies = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private int failedCount;
    private boolean started;
    private long firstRegistration;
    private long firstRegistrationMicros;
    private long lastFinishMicros;
    private long firstCpu;
    private long lastFinish;
    private long lastCpu;

    /**
     * @param cpuNanos the CPU time the process has used so far, in nanoseconds
     */
    CompletionTracker(BenchMode mode, int expected, LongSupplier cpuNanos) {
        this.mode = mode.id();
        this.expected = expected;
        this.cpuNanos = cpuNanos;
        if (expected == 0) {
            allFinished.complete(null); // a server node the load balancer sent no device
        }
    }

    @Override
    public void registered(String endpoint) {
        long now = System.nanoTime();
        if (registeredAt.putIfAbsent(endpoint, now) != null) {
            return;
        }
        synchronized (this) {
            if (!started) {
                started = true;
                firstRegistration = now;
                firstRegistrationMicros = epochMicros();
                firstCpu = cpuNanos.getAsLong();
            }
        }
    }

    @Override
    public void succeeded(String endpoint) {
        finish(endpoint, null);
    }

    @Override
    public void failed(String endpoint, String reason) {
        finish(endpoint, reason);
    }

    /** Completes when every expected device has finished. */
    CompletableFuture<Void> allFinished() {
        return allFinished;
    }

    synchronized ServerResult result(boolean timedOut) {
        int done = latencies.size() + failedCount;
        double seconds = done == 0 ? 0 : (lastFinish - firstRegistration) / 1e9;
        long[] samples = latencies.stream().mapToLong(Long::longValue).toArray();
        return new ServerResult(mode, expected, latencies.size(), failedCount, failures, timedOut, seconds,
                done == 0 ? 0 : done / seconds, millis(Statistics.percentile(samples, 0.50)),
                millis(Statistics.percentile(samples, 0.99)), millis(Statistics.percentile(samples, 1.0)),
                done == 0 ? Double.NaN : (lastCpu - firstCpu) / 1e9 / done, firstRegistrationMicros,
                lastFinishMicros);
    }

    private void finish(String endpoint, String failure) {
        long now = System.nanoTime();
        Long start = registeredAt.get(endpoint);
        if (start == null || finished.putIfAbsent(endpoint, Boolean.TRUE) != null) {
            return;
        }
        boolean last;
        synchronized (this) {
            if (failure == null) {
                latencies.add(now - start);
            } else {
                failedCount++;
                if (failures.size() < FAILURES_KEPT) {
                    failures.add(endpoint + ": " + failure);
                }
            }
            lastFinish = now;
            lastFinishMicros = epochMicros();
            lastCpu = cpuNanos.getAsLong();
            last = latencies.size() + failedCount == expected;
        }
        if (last) {
            allFinished.complete(null);
        }
    }

    /** The wall clock, which the server nodes of one run share (their nanoTime origins differ). */
    private static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    private static double millis(double nanos) {
        return nanos / 1e6;
    }
}
