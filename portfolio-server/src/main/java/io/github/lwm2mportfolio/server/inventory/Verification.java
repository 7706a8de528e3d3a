package io.github.lwm2mportfolio.server.inventory;

import java.time.Instant;

/**
 * A verdict on one GetAuthData challenge of one Portfolio instance.
 *
 * @param service sign, mac or encrypt; null when no AuthData was made
 * @param instanceId the Portfolio instance challenged; null when none could be
 * @param counter the highest AuthData counter accepted in it; null when none
 * @param claimsJson the accepted or rejected claims as JSON, for display; null when unreadable
 */
public record Verification(Instant at, VerificationOutcome outcome, String reason, String service,
        Integer instanceId, Long counter, String claimsJson) {
}
