package io.github.lwm2mportfolio.server.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.github.lwm2mportfolio.server.inventory.HostIdentityView;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

class ComplianceEvaluatorTest {

    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    private static final Duration FRESHNESS = Duration.ofHours(24);
    private static final HostIdentityView HOST = new HostIdentityView("IMEI-1", "Acme", "Widget", "1.0");
    private static final CertificationList CERTIFIED =
            new CertificationList(List.of(new Certification("Acme", "Widget", "1.0")), Set.of());
    private static final Verification FRESH_VERDICT = verdict(VerificationOutcome.VERIFIED, NOW.minusSeconds(60));
    private static final Instant CHANGED_BEFORE = NOW.minusSeconds(3600);

    private static Verification verdict(VerificationOutcome outcome, Instant at) {
        return new Verification(at, outcome, null, "sign", 0, 7L, "{}");
    }

    private static ComplianceState evaluate(boolean portfolio, boolean extDevInfo, HostIdentityView host,
            Verification verdict, Instant lastChange, CertificationList certs) {
        return ComplianceEvaluator.evaluate(portfolio, extDevInfo, host, verdict, lastChange, certs, NOW, FRESHNESS);
    }

    @Test
    void aCertifiedHostWithAFreshVerdictIsCompliant() {
        assertThat(evaluate(true, true, HOST, FRESH_VERDICT, CHANGED_BEFORE, CERTIFIED))
                .isEqualTo(ComplianceState.COMPLIANT);
    }

    @Test
    void aClientWithoutObject16HasNoPortfolioWhateverElseItHas() {
        assertThat(evaluate(false, true, HOST, FRESH_VERDICT, CHANGED_BEFORE, CERTIFIED))
                .isEqualTo(ComplianceState.NO_PORTFOLIO);
    }

    @Test
    void aClientWithoutExtDevInfoHasNoPortfolio() {
        assertThat(evaluate(true, false, HOST, FRESH_VERDICT, CHANGED_BEFORE, CERTIFIED))
                .isEqualTo(ComplianceState.NO_PORTFOLIO);
    }

    @Test
    void aHostInstanceWithoutValuesIsUncertifiedNotWithoutPortfolio() {
        // Object 16 and the /3/0/22 link are there (README: that is a portfolio); nothing can match a certification.
        assertThat(evaluate(true, true, HostIdentityView.UNKNOWN, FRESH_VERDICT, CHANGED_BEFORE, CERTIFIED))
                .isEqualTo(ComplianceState.UNCERTIFIED);
        assertThat(evaluate(true, true, new HostIdentityView("IMEI-1", null, null, null), FRESH_VERDICT,
                CHANGED_BEFORE, CERTIFIED)).isEqualTo(ComplianceState.UNCERTIFIED);
    }

    @Test
    void noPortfolioWinsOverEveryLaterCheck() {
        assertThat(evaluate(false, false, HostIdentityView.UNKNOWN, null, null, CertificationList.EMPTY))
                .isEqualTo(ComplianceState.NO_PORTFOLIO);
    }

    @Test
    void aHostMissingFromTheListIsUncertifiedEvenWhenVerified() {
        CertificationList other = new CertificationList(List.of(new Certification("Acme", "Widget", "2.0")), Set.of());
        assertThat(evaluate(true, true, HOST, FRESH_VERDICT, CHANGED_BEFORE, other))
                .isEqualTo(ComplianceState.UNCERTIFIED);
    }

    @Test
    void anEmptyCertificationListCertifiesNobody() {
        assertThat(evaluate(true, true, HOST, FRESH_VERDICT, CHANGED_BEFORE, CertificationList.EMPTY))
                .isEqualTo(ComplianceState.UNCERTIFIED);
    }

    @Test
    void certificationComparesWithExactCase() {
        HostIdentityView shouting = new HostIdentityView("IMEI-1", "ACME", "Widget", "1.0");
        assertThat(evaluate(true, true, shouting, FRESH_VERDICT, CHANGED_BEFORE, CERTIFIED))
                .isEqualTo(ComplianceState.UNCERTIFIED);
    }

    @Test
    void certificationIgnoresSurroundingBlanksOnBothSides() {
        HostIdentityView padded = new HostIdentityView("IMEI-1", " Acme ", "Widget\t", " 1.0");
        CertificationList paddedList =
                new CertificationList(List.of(new Certification("Acme  ", " Widget", "1.0 ")), Set.of());
        assertThat(evaluate(true, true, padded, FRESH_VERDICT, CHANGED_BEFORE, CERTIFIED))
                .isEqualTo(ComplianceState.COMPLIANT);
        assertThat(evaluate(true, true, HOST, FRESH_VERDICT, CHANGED_BEFORE, paddedList))
                .isEqualTo(ComplianceState.COMPLIANT);
    }

    @Test
    void aHostWithoutASoftwareVersionIsUncertified() {
        HostIdentityView partial = new HostIdentityView("IMEI-1", "Acme", "Widget", null);
        assertThat(evaluate(true, true, partial, FRESH_VERDICT, CHANGED_BEFORE, CERTIFIED))
                .isEqualTo(ComplianceState.UNCERTIFIED);
    }

    @Test
    void aHostWhoseUniqueIdWasNotAllocatedIsUncertified() {
        CertificationList allocated = new CertificationList(CERTIFIED.records(), Set.of("IMEI-2", "IMEI-3"));
        assertThat(evaluate(true, true, HOST, FRESH_VERDICT, CHANGED_BEFORE, allocated))
                .isEqualTo(ComplianceState.UNCERTIFIED);
    }

    @Test
    void aHostWithoutUniqueIdIsUncertifiedWhenIdsWereAllocated() {
        CertificationList allocated = new CertificationList(CERTIFIED.records(), Set.of("IMEI-1"));
        HostIdentityView anonymous = new HostIdentityView(null, "Acme", "Widget", "1.0");
        assertThat(evaluate(true, true, anonymous, FRESH_VERDICT, CHANGED_BEFORE, allocated))
                .isEqualTo(ComplianceState.UNCERTIFIED);
    }

    @Test
    void anAllocatedUniqueIdKeepsTheHostCertified() {
        CertificationList allocated = new CertificationList(CERTIFIED.records(), Set.of("IMEI-9", " IMEI-1 "));
        assertThat(evaluate(true, true, HOST, FRESH_VERDICT, CHANGED_BEFORE, allocated))
                .isEqualTo(ComplianceState.COMPLIANT);
    }

    @Test
    void withoutAllocatedIdsTheUniqueIdIsNotChecked() {
        HostIdentityView anonymous = new HostIdentityView(null, "Acme", "Widget", "1.0");
        assertThat(evaluate(true, true, anonymous, FRESH_VERDICT, CHANGED_BEFORE, CERTIFIED))
                .isEqualTo(ComplianceState.COMPLIANT);
    }

    @Test
    void uncertifiedWinsOverAMissingVerdict() {
        assertThat(evaluate(true, true, HOST, null, CHANGED_BEFORE, CertificationList.EMPTY))
                .isEqualTo(ComplianceState.UNCERTIFIED);
    }

    @Test
    void aCertifiedHostNeverVerifiedIsUnverified() {
        assertThat(evaluate(true, true, HOST, null, CHANGED_BEFORE, CERTIFIED))
                .isEqualTo(ComplianceState.UNVERIFIED);
    }

    @ParameterizedTest
    @EnumSource(value = VerificationOutcome.class, names = "VERIFIED", mode = EnumSource.Mode.EXCLUDE)
    void aCertifiedHostWhoseLastVerdictIsNotVerifiedIsUnverified(VerificationOutcome outcome) {
        assertThat(evaluate(true, true, HOST, verdict(outcome, NOW.minusSeconds(60)), CHANGED_BEFORE, CERTIFIED))
                .isEqualTo(ComplianceState.UNVERIFIED);
    }

    @Test
    void aVerdictOlderThanTheFreshnessLimitIsStale() {
        Verification old = verdict(VerificationOutcome.VERIFIED, NOW.minus(FRESHNESS).minusMillis(1));
        assertThat(evaluate(true, true, HOST, old, null, CERTIFIED)).isEqualTo(ComplianceState.UNVERIFIED);
    }

    @Test
    void aVerdictExactlyAtTheFreshnessLimitStillStands() {
        Verification edge = verdict(VerificationOutcome.VERIFIED, NOW.minus(FRESHNESS));
        assertThat(evaluate(true, true, HOST, edge, null, CERTIFIED)).isEqualTo(ComplianceState.COMPLIANT);
    }

    @Test
    void aVerdictOlderThanTheLastIdentityChangeIsStale() {
        Instant verifiedAt = NOW.minusSeconds(600);
        Verification before = verdict(VerificationOutcome.VERIFIED, verifiedAt);
        assertThat(evaluate(true, true, HOST, before, verifiedAt.plusMillis(1), CERTIFIED))
                .isEqualTo(ComplianceState.UNVERIFIED);
    }

    @Test
    void aVerdictAtTheSameInstantAsTheLastIdentityChangeStands() {
        Instant at = NOW.minusSeconds(600);
        assertThat(evaluate(true, true, HOST, verdict(VerificationOutcome.VERIFIED, at), at, CERTIFIED))
                .isEqualTo(ComplianceState.COMPLIANT);
    }

    @Test
    void aDeviceWhoseIdentitiesNeverChangedNeedsOnlyAFreshVerdict() {
        assertThat(evaluate(true, true, HOST, FRESH_VERDICT, null, CERTIFIED)).isEqualTo(ComplianceState.COMPLIANT);
    }

    @Test
    void theOverloadWithAKnownCertificationAnswerDecidesTheSame() {
        assertThat(ComplianceEvaluator.evaluate(true, true, HOST, true, FRESH_VERDICT, null, NOW, FRESHNESS))
                .isEqualTo(ComplianceState.COMPLIANT);
        assertThat(ComplianceEvaluator.evaluate(true, true, HOST, false, FRESH_VERDICT, null, NOW, FRESHNESS))
                .isEqualTo(ComplianceState.UNCERTIFIED);
        assertThat(ComplianceEvaluator.evaluate(true, false, HOST, true, FRESH_VERDICT, null, NOW, FRESHNESS))
                .isEqualTo(ComplianceState.NO_PORTFOLIO);
    }

    @Test
    void theIndexedCertificationTestAgreesWithTheListSearch() {
        CertificationList list = new CertificationList(
                List.of(new Certification("Acme", "Widget", "1.0"), new Certification(" Beta ", "Box", "2")),
                Set.of("IMEI-1", "IMEI-2"));
        List<HostIdentityView> hosts = List.of(HOST, new HostIdentityView("IMEI-2", "Beta", "Box", "2"),
                new HostIdentityView("IMEI-3", "Beta", "Box", "2"), new HostIdentityView("IMEI-1", "acme", "Widget", "1.0"),
                new HostIdentityView(null, "Acme", "Widget", "1.0"), HostIdentityView.UNKNOWN);
        for (HostIdentityView host : hosts) {
            assertThat(ComplianceEvaluator.certifiedHosts(list).test(host)).as(host.toString())
                    .isEqualTo(ComplianceEvaluator.isCertified(host, list));
        }
        assertThat(hosts.stream().filter(ComplianceEvaluator.certifiedHosts(list))).containsExactly(hosts.get(0),
                hosts.get(1));
    }
}
