package io.github.lwm2mportfolio.server.inventory;

import java.time.Instant;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;

/**
 * One row of the fleet list. lastVerification is null until the first challenge; reason says why the device is
 * in its state ({@link io.github.lwm2mportfolio.server.compliance.ComplianceReasons}).
 */
public record DeviceSummary(String endpoint, String lwm2mVersion, boolean online, Instant registeredAt,
        Instant lastSeen, HostIdentityView host, ComplianceState state, Verification lastVerification,
        String reason) {
}
