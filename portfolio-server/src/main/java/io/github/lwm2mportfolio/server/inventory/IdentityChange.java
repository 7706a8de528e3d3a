package io.github.lwm2mportfolio.server.inventory;

import java.time.Instant;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.github.lwm2mportfolio.core.model.HostIdentity;

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

    /**
     * The Identity as a person reads it: its name in the host-device profile and its number, e.g.
     * "manufacturer (1)", or "identity 7" outside the profile.
     */
    @JsonProperty("identity")
    public String identity() {
        return HostIdentity.forInstanceId(identityId)
                .map(known -> known.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " (" + identityId + ")")
                .orElse("identity " + identityId);
    }
}
