package io.github.lwm2mportfolio.server.compliance;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

import io.github.lwm2mportfolio.server.inventory.HostIdentityView;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * Decides a device's {@link ComplianceState} from what the inventory knows of it. Pure functions: no clock,
 * no database. The checks run in the order of {@link ComplianceState}; the first that applies wins:
 * <ol>
 * <li>NO_PORTFOLIO: the client has no object 16, or the last collection found no ExtDevInfo (/3/0/22) link to a
 * Portfolio instance it could read;</li>
 * <li>UNCERTIFIED: no certification record equals the host's (manufacturer, model, software version), each
 * trimmed and compared with exact case (a host instance without these values matches none); or the operator
 * allocated unique IDs and the host's (trimmed) unique ID is not one of them;</li>
 * <li>UNVERIFIED: the last verification is missing, is not VERIFIED, is older than the freshness limit
 * ({@code at < now - freshness}), or is older than the last Identity change of the device;</li>
 * <li>COMPLIANT otherwise.</li>
 * </ol>
 */
public final class ComplianceEvaluator {

    private ComplianceEvaluator() {
    }

    /** The full decision, with the certification list searched as given. */
    public static ComplianceState evaluate(boolean hasPortfolioObject, boolean extDevInfoPresent, HostIdentityView host,
            Verification lastVerification, Instant lastIdentityChange, CertificationList certs, Instant now,
            Duration freshness) {
        Objects.requireNonNull(certs, "certs");
        boolean certified = linksHostInstance(hasPortfolioObject, extDevInfoPresent) && isCertified(host, certs);
        return evaluate(hasPortfolioObject, extDevInfoPresent, host, certified, lastVerification, lastIdentityChange,
                now, freshness);
    }

    /**
     * The same decision when the caller already knows whether the host is certified (for instance from a
     * database lookup or from {@link #certifiedHosts(CertificationList)}).
     */
    public static ComplianceState evaluate(boolean hasPortfolioObject, boolean extDevInfoPresent, HostIdentityView host,
            boolean certified, Verification lastVerification, Instant lastIdentityChange, Instant now,
            Duration freshness) {
        if (!linksHostInstance(hasPortfolioObject, extDevInfoPresent)) {
            return ComplianceState.NO_PORTFOLIO;
        }
        if (!certified) {
            return ComplianceState.UNCERTIFIED;
        }
        if (!isVerificationCurrent(lastVerification, lastIdentityChange, now, freshness)) {
            return ComplianceState.UNVERIFIED;
        }
        return ComplianceState.COMPLIANT;
    }

    /**
     * Whether the device has a host instance: object 16, and an ExtDevInfo link to a Portfolio instance
     * ({@code extDevInfoPresent} as the inventory keeps it). Whether that instance has any values is for the
     * certification check to judge: an empty one makes the device UNCERTIFIED, not NO_PORTFOLIO.
     */
    public static boolean linksHostInstance(boolean hasPortfolioObject, boolean extDevInfoPresent) {
        return hasPortfolioObject && extDevInfoPresent;
    }

    /** Whether the host matches a certification record and, when IDs were allocated, its unique ID is one. */
    public static boolean isCertified(HostIdentityView host, CertificationList certs) {
        if (host == null || !matchesAllocation(host, certs.allocatedUniqueIds())) {
            return false;
        }
        Certification wanted = key(host);
        if (wanted == null) {
            return false;
        }
        for (Certification record : certs.records()) {
            if (wanted.equals(normalise(record))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The same test as {@link #isCertified(HostIdentityView, CertificationList)}, with the list indexed once:
     * for checking many hosts against one (possibly long) list.
     */
    public static Predicate<HostIdentityView> certifiedHosts(CertificationList certs) {
        Set<Certification> records = new HashSet<>();
        for (Certification record : certs.records()) {
            Certification normalised = normalise(record);
            if (normalised != null) {
                records.add(normalised);
            }
        }
        Set<String> allocated = new HashSet<>();
        for (String id : certs.allocatedUniqueIds()) {
            allocated.add(id.trim());
        }
        return host -> {
            if (host == null) {
                return false;
            }
            if (!allocated.isEmpty() && (host.uniqueId() == null || !allocated.contains(host.uniqueId().trim()))) {
                return false;
            }
            Certification wanted = key(host);
            return wanted != null && records.contains(wanted);
        };
    }

    /**
     * Whether the last verdict still stands: VERIFIED, not older than {@code freshness} before {@code now},
     * and not older than the last Identity change (a verdict at the same instant as the change stands).
     */
    public static boolean isVerificationCurrent(Verification lastVerification, Instant lastIdentityChange,
            Instant now, Duration freshness) {
        if (lastVerification == null || lastVerification.outcome() != VerificationOutcome.VERIFIED
                || lastVerification.at() == null) {
            return false;
        }
        Instant at = lastVerification.at();
        if (at.isBefore(now.minus(freshness))) {
            return false;
        }
        return lastIdentityChange == null || !at.isBefore(lastIdentityChange);
    }

    private static boolean matchesAllocation(HostIdentityView host, Set<String> allocated) {
        if (allocated.isEmpty()) {
            return true;
        }
        if (host.uniqueId() == null) {
            return false;
        }
        String id = host.uniqueId().trim();
        for (String candidate : allocated) {
            if (candidate.trim().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private static Certification key(HostIdentityView host) {
        if (host.manufacturer() == null || host.model() == null || host.softwareVersion() == null) {
            return null;
        }
        return new Certification(host.manufacturer(), host.model(), host.softwareVersion()).trimmed();
    }

    private static Certification normalise(Certification record) {
        if (record == null || record.manufacturer() == null || record.model() == null
                || record.softwareVersion() == null) {
            return null;
        }
        return record.trimmed();
    }
}
