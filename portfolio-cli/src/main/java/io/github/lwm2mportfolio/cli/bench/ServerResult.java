package io.github.lwm2mportfolio.cli.bench;

import java.util.List;

/**
 * What the bench server measured in one run: the {@code RESULT} line's JSON.
 *
 * @param mode baseline or portfolio
 * @param clients devices expected
 * @param completed devices done with success (a read answered, or an accepted verdict stored)
 * @param failed devices done with a failure (a read that failed, a verdict not accepted)
 * @param failures the first few failures, "endpoint: reason"
 * @param timedOut whether the server stopped waiting before every device was done
 * @param seconds from the first registration to the last device done
 * @param devicesPerSecond devices done per second over {@code seconds}
 * @param p50Ms median latency from registration to done, successful devices only
 * @param p99Ms 99th percentile of the same
 * @param maxMs the slowest of the same
 * @param cpuSecondsPerDevice the server process's CPU time over {@code seconds}, per device done
 * @param firstRegistrationMicros wall-clock time of the first registration, microseconds since the epoch (0 when
 *        none came): it lays the spans of several server nodes side by side
 * @param lastDoneMicros wall-clock time of the last device done, the same way
 */
record ServerResult(String mode, int clients, int completed, int failed, List<String> failures, boolean timedOut,
        double seconds, double devicesPerSecond, double p50Ms, double p99Ms, double maxMs,
        double cpuSecondsPerDevice, long firstRegistrationMicros, long lastDoneMicros) {

    ServerResult {
        failures = List.copyOf(failures);
    }

    /** Whether every expected device is done, one way or the other. */
    boolean allDone() {
        return completed + failed >= clients;
    }
}
