package io.github.lwm2mportfolio.server.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.github.lwm2mportfolio.server.inventory.HostIdentityView;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/** Every state says why, and a state decided early still shows the later checks that fail too. */
class ComplianceReasonsTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final Duration FRESHNESS = Duration.ofHours(24);
    private static final HostIdentityView HOST = new HostIdentityView("HDID-1", "Northwind", "NW-E350", "3.4.1");
    private static final Verification FAILED = new Verification(NOW.minusSeconds(60), VerificationOutcome.FAILED,
            "signature does not verify", "sign", 0, 1L, null);
    private static final Verification VERIFIED = new Verification(NOW.minusSeconds(60),
            VerificationOutcome.VERIFIED, null, "sign", 0, 1L, "{}");

    private static String decide(HostIdentityView host, CertificationList certs, Verification last) {
        ComplianceState state = ComplianceEvaluator.evaluate(true, true, host, last, null, certs, NOW, FRESHNESS);
        return state + " because " + ComplianceReasons.of(state, true, true, host, last, null, NOW.minus(FRESHNESS));
    }

    @Test
    void a_failed_signature_on_an_uncertified_host_is_uncertified_and_shows_both_reasons() {
        assertThat(decide(HOST, CertificationList.EMPTY, FAILED)).isEqualTo("UNCERTIFIED because no certification "
                + "record for Northwind / NW-E350 / 3.4.1 (or its unique ID HDID-1 is not an allocated one); "
                + "AuthData FAILED: signature does not verify");
    }

    @Test
    void a_certified_host_with_a_failed_signature_is_unverified_with_the_verdict_as_reason() {
        CertificationList certs = new CertificationList(
                java.util.List.of(new Certification("Northwind", "NW-E350", "3.4.1")), java.util.Set.of());

        assertThat(decide(HOST, certs, FAILED))
                .isEqualTo("UNVERIFIED because AuthData FAILED: signature does not verify");
        assertThat(decide(HOST, certs, null)).isEqualTo("UNVERIFIED because no AuthData verdict yet");
        assertThat(decide(HOST, certs, VERIFIED)).startsWith("COMPLIANT because certified host; AuthData verified");
    }

    @Test
    void no_portfolio_names_the_missing_part() {
        String noObject = ComplianceReasons.of(ComplianceState.NO_PORTFOLIO, false, false, null, null, null, NOW);
        String noLink = ComplianceReasons.of(ComplianceState.NO_PORTFOLIO, true, false, null, null, null, NOW);

        assertThat(noObject).isEqualTo("the client has no object 16 (Portfolio)");
        assertThat(noLink).isEqualTo("no ExtDevInfo link (/3/0/22) to a Portfolio instance");
    }

    @Test
    void no_portfolio_before_a_collection_completed_says_not_collected_yet_and_the_failure_if_any() {
        String waiting = ComplianceReasons.of(ComplianceState.NO_PORTFOLIO, false, null, false, false, null, null,
                null, NOW);
        String failed = ComplianceReasons.of(ComplianceState.NO_PORTFOLIO, false,
                "Read /3/0/22: no answer within 5000 ms", true, false, null, null, null, NOW);
        String failedAfterAGoodOne = ComplianceReasons.of(ComplianceState.NO_PORTFOLIO, true, "Read /16/0: 4.04",
                false, false, null, null, null, NOW);

        assertThat(waiting).isEqualTo("not collected yet");
        assertThat(failed).isEqualTo("the collection failed: Read /3/0/22: no answer within 5000 ms; "
                + "not collected yet");
        assertThat(failedAfterAGoodOne)
                .isEqualTo("the collection failed: Read /16/0: 4.04; the client has no object 16 (Portfolio)");
    }

    @Test
    void a_host_instance_without_values_is_uncertified_and_says_what_the_host_did_not_report() {
        assertThat(decide(HostIdentityView.UNKNOWN, CertificationList.EMPTY, VERIFIED)).isEqualTo("UNCERTIFIED "
                + "because the host reported no manufacturer, model or software version, so no certification record "
                + "can match");
        assertThat(decide(new HostIdentityView("HDID-1", "Northwind", null, null), CertificationList.EMPTY, FAILED))
                .isEqualTo("UNCERTIFIED because the host reported no model or software version, so no certification "
                        + "record can match; AuthData FAILED: signature does not verify");
    }

    @Test
    void a_stale_or_superseded_verdict_says_so() {
        Verification old = new Verification(NOW.minus(Duration.ofDays(2)), VerificationOutcome.VERIFIED, null,
                "sign", 0, 1L, "{}");

        assertThat(ComplianceReasons.of(ComplianceState.UNVERIFIED, true, true, HOST, old, null, NOW.minus(FRESHNESS)))
                .endsWith("longer ago than the freshness limit");
        assertThat(ComplianceReasons.of(ComplianceState.UNVERIFIED, true, true, HOST, VERIFIED, NOW,
                NOW.minus(FRESHNESS))).startsWith("the host's identities changed at " + NOW);
    }
}
