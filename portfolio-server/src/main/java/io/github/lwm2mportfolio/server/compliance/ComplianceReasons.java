package io.github.lwm2mportfolio.server.compliance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.github.lwm2mportfolio.server.inventory.HostIdentityView;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * Why a device is in its {@link ComplianceState}: the check that decided it (the first that failed, in the order
 * of {@link ComplianceEvaluator}), then each later check that fails too, so that fixing the first problem does
 * not hide the next one. E.g. an uncertified host whose signature also failed:
 * {@code no certification record for ...; AuthData FAILED: bad signature}.
 */
public final class ComplianceReasons {

    private ComplianceReasons() {
    }

    /** The reasons of a device that was collected and whose last collection went well. */
    public static String of(ComplianceState state, boolean hasPortfolioObject, boolean extDevInfoPresent,
            HostIdentityView host, Verification lastVerification, Instant lastIdentityChange,
            Instant verifiedNotBefore) {
        return of(state, true, null, hasPortfolioObject, extDevInfoPresent, host, lastVerification,
                lastIdentityChange, verifiedNotBefore);
    }

    /**
     * @param state the state the evaluator decided
     * @param collected whether a collection ever completed (before one, what the inventory holds of the
     *        device's objects is not known yet)
     * @param collectionError why the last collection failed, null when it did not
     * @param verifiedNotBefore a VERIFIED verdict before this instant is stale (now minus the freshness limit)
     */
    public static String of(ComplianceState state, boolean collected, String collectionError,
            boolean hasPortfolioObject, boolean extDevInfoPresent, HostIdentityView host,
            Verification lastVerification, Instant lastIdentityChange, Instant verifiedNotBefore) {
        if (state == null) {
            return null;
        }
        List<String> reasons = new ArrayList<>();
        switch (state) {
        case NO_PORTFOLIO -> {
            if (collectionError != null) {
                reasons.add("the collection failed: " + collectionError);
            }
            if (!collected) {
                reasons.add("not collected yet");
            } else {
                reasons.add(!hasPortfolioObject ? "the client has no object 16 (Portfolio)"
                        : "no ExtDevInfo link (/3/0/22) to a Portfolio instance");
            }
        }
        case UNCERTIFIED -> {
            reasons.add(uncertified(host));
            String verification = verificationProblem(lastVerification, lastIdentityChange, verifiedNotBefore);
            if (verification != null) {
                reasons.add(verification);
            }
        }
        case UNVERIFIED -> {
            String verification = verificationProblem(lastVerification, lastIdentityChange, verifiedNotBefore);
            reasons.add(verification != null ? verification : "AuthData not verified");
        }
        case COMPLIANT -> reasons.add("certified host; AuthData verified at " + lastVerification.at());
        }
        return String.join("; ", reasons);
    }

    private static String uncertified(HostIdentityView host) {
        HostIdentityView known = host == null ? HostIdentityView.UNKNOWN : host;
        List<String> missing = new ArrayList<>();
        if (known.manufacturer() == null) {
            missing.add("manufacturer");
        }
        if (known.model() == null) {
            missing.add("model");
        }
        if (known.softwareVersion() == null) {
            missing.add("software version");
        }
        if (missing.size() == 3) {
            return "the host reported no manufacturer, model or software version, so no certification record can "
                    + "match";
        }
        if (!missing.isEmpty()) {
            return "the host reported no " + String.join(" or ", missing) + ", so no certification record can match";
        }
        return "no certification record for " + known.manufacturer() + " / " + known.model() + " / "
                + known.softwareVersion() + " (or its unique ID " + known.uniqueId() + " is not an allocated one)";
    }

    /** What keeps the last verdict from standing, or null when it stands. */
    private static String verificationProblem(Verification last, Instant lastIdentityChange,
            Instant verifiedNotBefore) {
        if (last == null || last.outcome() == null || last.at() == null) {
            return "no AuthData verdict yet";
        }
        if (last.outcome() != VerificationOutcome.VERIFIED) {
            return "AuthData " + last.outcome()
                    + (last.reason() == null || last.reason().isBlank() ? "" : ": " + last.reason());
        }
        if (last.at().isBefore(verifiedNotBefore)) {
            return "AuthData verified at " + last.at() + ", longer ago than the freshness limit";
        }
        if (lastIdentityChange != null && last.at().isBefore(lastIdentityChange)) {
            return "the host's identities changed at " + lastIdentityChange + ", after the last verification";
        }
        return null;
    }
}
