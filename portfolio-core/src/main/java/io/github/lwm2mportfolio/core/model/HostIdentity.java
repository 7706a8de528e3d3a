package io.github.lwm2mportfolio.core.model;

import java.util.Optional;

/**
 * Identity instance numbering of the host-device (GSMA TS.34 DID4..DID7) profile, as in the published
 * object, the OMA conformance tests and existing modems. The change request's own tables disagree with
 * each other and with this order.
 */
public enum HostIdentity {
    UNIQUE_ID(0, "DID7"),
    MANUFACTURER(1, "DID4"),
    MODEL(2, "DID5"),
    SOFTWARE_VERSION(3, "DID6");

    private final int instanceId;
    private final String gsmaRequirement;

    HostIdentity(int instanceId, String gsmaRequirement) {
        this.instanceId = instanceId;
        this.gsmaRequirement = gsmaRequirement;
    }

    /** The Identity resource instance ID (/16/n/0/instanceId). */
    public int instanceId() {
        return instanceId;
    }

    public String gsmaRequirement() {
        return gsmaRequirement;
    }

    public static Optional<HostIdentity> forInstanceId(int instanceId) {
        for (HostIdentity identity : values()) {
            if (identity.instanceId == instanceId) {
                return Optional.of(identity);
            }
        }
        return Optional.empty();
    }
}
