package io.github.lwm2mportfolio.server.collector;

import java.time.Duration;

/** The collector holds as many on-demand verifications as it takes: the caller should try again later. */
public final class CollectorBusyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Duration retryAfter;

    public CollectorBusyException(int capacity, Duration retryAfter) {
        super("the collector is busy (" + capacity + " verifications waiting); try again in "
                + retryAfter.toSeconds() + " s");
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
