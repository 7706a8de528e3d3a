package io.github.lwm2mportfolio.server.inventory;

import java.time.Instant;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;

/**
 * A device's stored compliance state changed, told once its transaction committed.
 *
 * @param reason why the device is in its new state (as the fleet list shows it)
 */
public record ComplianceChange(Instant at, String endpoint, ComplianceState oldState, ComplianceState newState,
        String reason) {
}
