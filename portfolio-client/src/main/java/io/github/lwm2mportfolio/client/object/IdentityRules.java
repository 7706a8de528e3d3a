package io.github.lwm2mportfolio.client.object;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.github.lwm2mportfolio.core.model.PortfolioLimits;

/** Checks Identity values and instance counts against the configured limits; the message is the reason. */
final class IdentityRules {

    private final PortfolioLimits limits;

    IdentityRules(PortfolioLimits limits) {
        this.limits = limits;
    }

    PortfolioLimits limits() {
        return limits;
    }

    void checkIdentities(Map<Integer, String> identities) throws RuleViolation {
        if (identities.size() > limits.maxIdentitiesPerInstance()) {
            throw new RuleViolation("at most " + limits.maxIdentitiesPerInstance()
                    + " Identity instances per Portfolio instance, got " + identities.size());
        }
        for (Map.Entry<Integer, String> identity : identities.entrySet()) {
            checkIdentity(identity.getKey(), identity.getValue());
        }
    }

    void checkIdentity(int identityId, String value) throws RuleViolation {
        if (identityId < 0 || identityId > 65534) {
            throw new RuleViolation("Identity instance ID " + identityId + " is out of range 0..65534");
        }
        if (value == null) {
            throw new RuleViolation("Identity " + identityId + " has no value");
        }
        // A JSON escape (SenML-JSON "\ud83d") can carry half a character, which UTF-8 cannot store.
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(value)) {
            throw new RuleViolation("Identity " + identityId + " is not valid Unicode: it has an unpaired surrogate");
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxIdentityBytes()) {
            throw new RuleViolation("Identity " + identityId + " is " + bytes + " bytes of UTF-8, the limit is "
                    + limits.maxIdentityBytes());
        }
    }

    void checkInstanceCount(int count) throws RuleViolation {
        if (count > limits.maxInstances()) {
            throw new RuleViolation("at most " + limits.maxInstances() + " Portfolio instances, this would make "
                    + count);
        }
    }

    /** A change the rules refuse; the message is meant for the peer (4.00 reason) or the local caller. */
    static final class RuleViolation extends Exception {
        private static final long serialVersionUID = 1L;

        RuleViolation(String reason) {
            super(reason);
        }
    }
}
