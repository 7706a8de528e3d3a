package io.github.lwm2mportfolio.server.registration;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per source address: {@code burst} tokens, refilled at {@code rate} per second. The table is
 * bounded: when it grows past {@value #MAX_SOURCES} addresses, the buckets that are full again (their sources
 * quiet) are forgotten, which loses nothing since a new bucket starts full.
 */
final class SourceRateLimiter {

    static final int MAX_SOURCES = 65_536;

    private final double burst;
    private final double perNano;
    private final LongSupplier nanoTime;
    private final Map<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    SourceRateLimiter(int burst, double ratePerSecond, LongSupplier nanoTime) {
        this.burst = burst;
        this.perNano = ratePerSecond / 1e9;
        this.nanoTime = nanoTime;
    }

    /** Takes a token of this source; returns 0 when it had one, else the seconds until it will have one. */
    long tryAcquire(InetAddress source) {
        if (buckets.size() > MAX_SOURCES) {
            forgetFullBuckets();
        }
        Bucket bucket = buckets.computeIfAbsent(source, s -> new Bucket(burst, nanoTime.getAsLong()));
        synchronized (bucket) {
            bucket.refill(nanoTime.getAsLong());
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perNano / 1e9));
        }
    }

    private void forgetFullBuckets() {
        long now = nanoTime.getAsLong();
        buckets.values().removeIf(bucket -> {
            synchronized (bucket) {
                bucket.refill(now);
                return bucket.tokens >= burst;
            }
        });
    }

    private final class Bucket {
        private double tokens;
        private long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }

        void refill(long now) {
            if (now > at) {
                tokens = Math.min(burst, tokens + (now - at) * perNano);
                at = now;
            }
        }
    }
}
