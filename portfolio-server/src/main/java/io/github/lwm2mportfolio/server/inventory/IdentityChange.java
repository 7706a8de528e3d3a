package io.github.lwm2mportfolio.server.inventory;

import java.time.Instant;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.github.lwm2mportfolio.core.model.HostIdentity;

/** One Identity value that changed (oldValue null: it appeared; newValue null: it went away). */
public record IdentityChange(Instant at, int instanceId, int identityId, String oldValue, String newValue) {

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
