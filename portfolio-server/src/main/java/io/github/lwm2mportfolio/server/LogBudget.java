package io.github.lwm2mportfolio.server;

import java.time.Clock;
import java.time.Duration;

/**
 * At most so many lines of one kind per interval, so that a peer that fails on purpose cannot flood the log:
 * {@link #spend()} says whether this line may be written and, at the first line of a new interval, how many
 * were left out in the one before.
 */
final class LogBudget {

    /** Whether to write the line, and how many were left out since the last one written. */
    record Decision(boolean write, long leftOut) {
    }

    private final int linesPerInterval;
    private final long intervalMillis;
    private final Clock clock;
    private long intervalStart = Long.MIN_VALUE;
    private int written;
    private long leftOut;

    LogBudget(int linesPerInterval, Duration interval, Clock clock) {
        this.linesPerInterval = linesPerInterval;
        this.intervalMillis = interval.toMillis();
        this.clock = clock;
    }

    synchronized Decision spend() {
        long now = clock.millis();
        if (intervalStart == Long.MIN_VALUE || now - intervalStart >= intervalMillis) {
            intervalStart = now;
            written = 0;
        }
        if (written >= linesPerInterval) {
            leftOut++;
            return new Decision(false, leftOut);
        }
        written++;
        long before = leftOut;
        leftOut = 0;
        return new Decision(true, before);
    }
}
