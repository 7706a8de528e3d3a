package io.github.lwm2mportfolio.server.rest;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * Wrong tokens per source address in a fixed window that starts at the first one: an address that sent
 * {@code limit} of them is refused until its window ends, so that tokens cannot be guessed at speed.
 */
final class FailedLogins {

    /** Addresses remembered at once: a flood of sources costs bounded memory. */
    private static final int MAX_ADDRESSES = 100_000;

    private final int limit;
    private final Duration window;
    private final Cache<String, AtomicInteger> failures;

    FailedLogins(int limit, Duration window) {
        this(limit, window, Ticker.systemTicker());
    }

    /** @param ticker the clock of the windows (a test's own) */
    FailedLogins(int limit, Duration window, Ticker ticker) {
        this.limit = limit;
        this.window = window;
        // expireAfterWrite: the counter is changed in place, so the window runs from the first failure
        this.failures = Caffeine.newBuilder().expireAfterWrite(window).maximumSize(MAX_ADDRESSES).ticker(ticker)
                .executor(Runnable::run).build();
    }

    boolean blocked(String address) {
        AtomicInteger count = failures.getIfPresent(address);
        return count != null && count.get() >= limit;
    }

    void failed(String address) {
        failures.get(address, a -> new AtomicInteger()).incrementAndGet();
    }

    Duration window() {
        return window;
    }
}
