package io.github.lwm2mportfolio.server.collector;

import java.time.Duration;

/**
 * An on-demand verification found the device's collection lease taken: a node collects it right now (its own
 * periodic collection, or another node's verification), and a second challenge at the same time would race the
 * first for the device's AuthData counter. The caller tries again once that collection has recorded its verdict.
 */
public final class CollectionUnderwayException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** About how long a collection takes: the answer's Retry-After. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final String holder;

    /** @param holder the node that holds the lease, null when it was released or moved in between */
    public CollectionUnderwayException(String endpoint, String holder) {
        super((holder == null ? "device '" + endpoint + "' is being collected by another server node right now, "
                + "or has just registered through one" : "device '" + endpoint + "' is being collected by server node '"
                + holder + "' right now") + ": its verdict is recorded when that collection ends (GET /api/devices/"
                + endpoint + "); try again in " + RETRY_AFTER.toSeconds() + " s");
        this.holder = holder;
    }

    /** The node that holds the device's collection lease, or null. */
    public String holder() {
        return holder;
    }
}
