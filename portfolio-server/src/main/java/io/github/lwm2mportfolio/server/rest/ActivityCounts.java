package io.github.lwm2mportfolio.server.rest;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.github.lwm2mportfolio.server.ServerEvents;

/**
 * Registrations and verdicts per minute over the last hour, counted from the {@link ServerEvents} as they pass
 * (so since the server started at most): sixty one-minute buckets, reused as the minutes go by.
 */
final class ActivityCounts implements AutoCloseable {

    static final int MINUTES = 60;

    /** One minute of the last hour. */
    record Minute(Instant start, long registrations, long verdicts) {
    }

    private final Clock clock;
    private final long[] minuteOf = new long[MINUTES];
    private final long[] registrations = new long[MINUTES];
    private final long[] verdicts = new long[MINUTES];
    private final AutoCloseable subscription;

    ActivityCounts(ServerEvents events, Clock clock) {
        this.clock = clock;
        this.subscription = events.subscribe(this::count);
    }

    private void count(ServerEvents.Event event) {
        boolean registration = event.type().equals("registered");
        boolean verdict = event.type().equals("verdict");
        if (!registration && !verdict) {
            return;
        }
        long minute = minute(event.at());
        int slot = slot(minute);
        synchronized (this) {
            if (minuteOf[slot] != minute) { // a bucket of an hour ago: start it again
                minuteOf[slot] = minute;
                registrations[slot] = 0;
                verdicts[slot] = 0;
            }
            if (registration) {
                registrations[slot]++;
            } else {
                verdicts[slot]++;
            }
        }
    }

    /** The last sixty minutes, oldest first, the current one last. */
    synchronized List<Minute> lastHour() {
        long now = minute(clock.instant());
        List<Minute> minutes = new ArrayList<>(MINUTES);
        for (long minute = now - MINUTES + 1; minute <= now; minute++) {
            int slot = slot(minute);
            boolean current = minuteOf[slot] == minute;
            minutes.add(new Minute(Instant.ofEpochSecond(minute * 60), current ? registrations[slot] : 0,
                    current ? verdicts[slot] : 0));
        }
        return minutes;
    }

    private static long minute(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), 60);
    }

    private static int slot(long minute) {
        return (int) Math.floorMod(minute, MINUTES);
    }

    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            throw new IllegalStateException("unsubscribing cannot fail", e);
        }
    }
}
