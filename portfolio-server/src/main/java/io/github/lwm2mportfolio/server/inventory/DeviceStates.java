package io.github.lwm2mportfolio.server.inventory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.github.lwm2mportfolio.server.compliance.ComplianceEvaluator;
import io.github.lwm2mportfolio.server.compliance.ComplianceReasons;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;

/**
 * A device's {@link ComplianceState}: computed by {@link ComplianceEvaluator} when its row is written, and
 * reported as UNVERIFIED once a stored COMPLIANT verdict has grown older than the freshness limit, so that
 * states never go stale between writes.
 */
final class DeviceStates {

    private final Clock clock;
    private final Duration freshness;

    DeviceStates(Clock clock, Duration freshness) {
        this.clock = clock;
        this.freshness = freshness;
    }

    ComplianceState evaluate(DeviceRow row, boolean certified, Instant now) {
        return ComplianceEvaluator.evaluate(row.hasPortfolioObject, row.extDevInfoPresent, row.host, certified,
                row.lastVerification, row.lastIdentityChange, now, freshness);
    }

    static boolean linksHostInstance(DeviceRow row) {
        return ComplianceEvaluator.linksHostInstance(row.hasPortfolioObject, row.extDevInfoPresent);
    }

    /** The epoch milliseconds before which a verdict no longer keeps a device COMPLIANT. */
    long cutoff() {
        return clock.instant().minus(freshness).toEpochMilli();
    }

    /** The row as reported, with the state it has at the cutoff. */
    DeviceSummary summary(DeviceRow row, long cutoff) {
        ComplianceState state = row.state;
        if (state == ComplianceState.COMPLIANT && row.lastVerification != null
                && row.lastVerification.at().toEpochMilli() < cutoff) {
            state = ComplianceState.UNVERIFIED;
        }
        String reason = ComplianceReasons.of(state, row.collectedAt != null, row.collectionError,
                row.hasPortfolioObject, row.extDevInfoPresent, row.host, row.lastVerification,
                row.lastIdentityChange, Instant.ofEpochMilli(cutoff));
        return new DeviceSummary(row.endpoint, row.lwm2mVersion, row.online, row.registeredAt, row.lastSeen,
                row.host, state, row.lastVerification, reason);
    }
}
