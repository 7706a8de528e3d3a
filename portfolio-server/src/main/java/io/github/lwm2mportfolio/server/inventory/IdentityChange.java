package io.github.lwm2mportfolio.server.inventory;

import java.time.Instant;

/**
 * One Identity value that changed (oldValue null: it appeared; newValue null: it went away), or was only
 * claimed: a value reported after a VERIFIED verdict, which becomes the device's value only when a verdict
 * confirms it.
 *
 * @param claimOutcome null for a change that was applied at once; for a claim PENDING, VERIFIED (then applied),
 *        SUPERSEDED (a newer claim came first) or the outcome of the verdict that refused it
 * @param claimReason the reason of that verdict, when it refused the claim
 */
public record IdentityChange(Instant at, int instanceId, int identityId, String oldValue, String newValue,
        String claimOutcome, String claimReason) {

    /** A change applied at once. */
    public IdentityChange(Instant at, int instanceId, int identityId, String oldValue, String newValue) {
        this(at, instanceId, identityId, oldValue, newValue, null, null);
    }
}
