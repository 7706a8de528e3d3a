package io.github.lwm2mportfolio.server.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;

/**
 * The {@link Inventory} contract, run on each database by a subclass that gives a fresh, empty database per
 * test. The clock is the test's own: compliance states are computed at {@link #clock}'s instant.
 */
abstract class JdbcInventoryTest {

    static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    static final Duration FRESHNESS = Duration.ofHours(24);
    /** One key for every open of a test's database, as a server keeps in its key file. */
    static final SecretSealer SEALER = SecretSealer.of(new byte[32]);
    static final Certification WIDGET_1 = new Certification("Acme", "Widget", "1.0");
    static final CertificationList ACME_WIDGET_1 = new CertificationList(List.of(WIDGET_1), Set.of());

    final MutableClock clock = new MutableClock(T0.plusSeconds(3600));
    JdbcInventory inventory;
    private String url;

    /** A URL of a fresh, empty database for one test. */
    abstract String newDatabaseUrl() throws Exception;

    /** Removes what {@link #newDatabaseUrl()} made, once the inventory is closed. */
    abstract void dropDatabase() throws Exception;

    @BeforeEach
    void openInventory() throws Exception {
        url = newDatabaseUrl();
        inventory = JdbcInventory.open(url, clock, FRESHNESS, SEALER);
    }

    @AfterEach
    void closeInventory() throws Exception {
        if (inventory != null) {
            inventory.close();
        }
        dropDatabase();
    }

    void reopen() {
        inventory.close();
        inventory = JdbcInventory.open(url, clock, FRESHNESS, SEALER);
    }

    // ----------------------------------------------------------------------------------------------- fixtures

    static PortfolioSnapshot host(int instanceId, String uniqueId, String manufacturer, String model, String sw) {
        return new PortfolioSnapshot(instanceId, identities(uniqueId, manufacturer, model, sw), true);
    }

    static PortfolioSnapshot unlinked(int instanceId, String uniqueId, String manufacturer, String model, String sw) {
        return new PortfolioSnapshot(instanceId, identities(uniqueId, manufacturer, model, sw), false);
    }

    static SortedMap<Integer, String> identities(String... values) {
        SortedMap<Integer, String> map = new TreeMap<>();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                map.put(i, values[i]);
            }
        }
        return map;
    }

    static Verification verified(Instant at, long counter) {
        return new Verification(at, VerificationOutcome.VERIFIED, null, "sign", 0, counter, "{\"counter\":" + counter + "}");
    }

    static Verification outcome(Instant at, VerificationOutcome outcome, String reason) {
        return new Verification(at, outcome, reason, null, null, null, null);
    }

    /** Registered with object 16, its Acme Widget 1.0 host collected at T0. */
    void widgetCollected(String endpoint) {
        inventory.registered(endpoint, "1.1", true, T0);
        inventory.portfoliosCollected(endpoint, List.of(host(0, "IMEI-" + endpoint, "Acme", "Widget", "1.0")), true,
                T0);
    }

    DeviceDetail detail(String endpoint) {
        return inventory.device(endpoint).orElseThrow();
    }

    ComplianceState state(String endpoint) {
        return detail(endpoint).summary().state();
    }

    List<String> endpoints(Page<DeviceSummary> page) {
        return page.items().stream().map(DeviceSummary::endpoint).toList();
    }

    /** The counts the inventory keeps agree with its devices, one by one. */
    void assertCountsMatchTheDevices() {
        Map<ComplianceState, Long> actual = new java.util.EnumMap<>(ComplianceState.class);
        for (ComplianceState state : ComplianceState.values()) {
            actual.put(state, 0L);
        }
        inventory.forEachDevice(d -> actual.merge(d.state(), 1L, Long::sum));
        assertThat(inventory.complianceCounts()).as("counts").isEqualTo(actual);
        for (ComplianceState state : ComplianceState.values()) {
            assertThat(inventory.devices(new DeviceQuery(state, null, 0, 1)).total()).as(state.name())
                    .isEqualTo(actual.get(state));
        }
    }

    // ---------------------------------------------------------------------------------- registration, seen

    @Test
    void aRegisteredDeviceIsListedOnlineWithItsVersionAndNoHostYet() {
        inventory.registered("ep-1", "1.1", false, T0);

        DeviceSummary summary = detail("ep-1").summary();
        assertThat(summary.endpoint()).isEqualTo("ep-1");
        assertThat(summary.lwm2mVersion()).isEqualTo("1.1");
        assertThat(summary.online()).isTrue();
        assertThat(summary.registeredAt()).isEqualTo(T0);
        assertThat(summary.lastSeen()).isEqualTo(T0);
        assertThat(summary.host()).isEqualTo(HostIdentityView.UNKNOWN);
        assertThat(summary.state()).isEqualTo(ComplianceState.NO_PORTFOLIO);
        assertThat(summary.lastVerification()).isNull();
        assertThat(detail("ep-1").portfolios()).isEmpty();
        assertThat(detail("ep-1").history()).isEmpty();
        assertThat(detail("ep-1").collectionError()).isNull();
    }

    @Test
    void aReRegistrationUpdatesVersionAndPortfolioFlag() {
        widgetCollected("ep-1");
        inventory.replaceCertifications(ACME_WIDGET_1);
        assertThat(state("ep-1")).isEqualTo(ComplianceState.UNVERIFIED);

        inventory.registered("ep-1", "1.2", false, T0.plusSeconds(60));

        DeviceSummary summary = detail("ep-1").summary();
        assertThat(summary.lwm2mVersion()).isEqualTo("1.2");
        assertThat(summary.registeredAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(summary.state()).isEqualTo(ComplianceState.NO_PORTFOLIO);
    }

    @Test
    void aDeregisteredDeviceIsKeptOffline() {
        widgetCollected("ep-1");
        inventory.deregistered("ep-1", T0.plusSeconds(30));

        DeviceDetail detail = detail("ep-1");
        assertThat(detail.summary().online()).isFalse();
        assertThat(detail.summary().host().manufacturer()).isEqualTo("Acme");
        assertThat(detail.portfolios()).hasSize(1);
    }

    @Test
    void aLateDeregistrationFromBeforeTheLastRegistrationLeavesTheDeviceOnline() {
        inventory.registered("ep-1", "1.1", true, T0.plusSeconds(60));
        inventory.deregistered("ep-1", T0.plusSeconds(30));

        assertThat(detail("ep-1").summary().online()).isTrue();
    }

    @Test
    void beingSeenMovesLastSeenForwardOnly() {
        inventory.registered("ep-1", "1.1", true, T0);
        inventory.seen("ep-1", T0.plusSeconds(90));
        inventory.seen("ep-1", T0.plusSeconds(10));

        assertThat(detail("ep-1").summary().lastSeen()).isEqualTo(T0.plusSeconds(90));
        assertThat(detail("ep-1").summary().registeredAt()).isEqualTo(T0);
    }

    @Test
    void anUnknownEndpointHasNoDetailAndNoCounter() {
        assertThat(inventory.device("nobody")).isEmpty();
        assertThat(inventory.lastAcceptedCounter("nobody")).isEqualTo(-1);
        assertThat(inventory.device("nobody")).isEmpty();
    }

    @Test
    void writesAboutAnUnknownEndpointCreateItsDevice() {
        inventory.seen("seen-first", T0);
        inventory.identityReported("notified-first", 0, 1, "Acme", T0);
        inventory.verificationRecorded("verified-first", verified(T0, 4));
        inventory.collectionFailed("failed-first", "timeout", T0);
        inventory.portfoliosCollected("collected-first", List.of(host(0, "X", "Acme", "Widget", "1.0")), true, T0);
        inventory.deregistered("gone-first", T0);

        assertThat(endpoints(inventory.devices(new DeviceQuery(null, null, 0, 100)))).containsExactly(
                "collected-first", "failed-first", "gone-first", "notified-first", "seen-first", "verified-first");
        assertThat(detail("seen-first").summary().lastSeen()).isEqualTo(T0);
        assertThat(detail("seen-first").summary().registeredAt()).isNull();
        assertThat(detail("notified-first").portfolios()).extracting(PortfolioSnapshot::identities)
                .containsExactly(identities(null, "Acme"));
        assertThat(inventory.lastAcceptedCounter("verified-first")).isEqualTo(4);
        assertThat(detail("failed-first").collectionError()).isEqualTo("timeout");
        assertThat(detail("gone-first").summary().online()).isFalse();
        // the registration that was racing the notification arrives
        inventory.registered("collected-first", "1.1", true, T0.plusSeconds(1));
        assertThat(state("collected-first")).isEqualTo(ComplianceState.UNCERTIFIED);
        assertCountsMatchTheDevices();
    }

    @Test
    void aBlankEndpointIsRefused() {
        assertThatThrownBy(() -> inventory.registered(" ", "1.1", true, T0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // -------------------------------------------------------------------------------------------- collection

    @Test
    void aDeviceGoesFromNoPortfolioToCompliantAndBackToUnverifiedWhenItsVerdictAges() {
        inventory.registered("ep-1", "1.1", true, T0);
        assertThat(state("ep-1")).as("registered, not collected").isEqualTo(ComplianceState.NO_PORTFOLIO);

        inventory.portfoliosCollected("ep-1", List.of(host(0, "IMEI-1", "Acme", "Widget", "1.0")), true, T0);
        assertThat(state("ep-1")).as("collected, no certification").isEqualTo(ComplianceState.UNCERTIFIED);

        inventory.replaceCertifications(ACME_WIDGET_1);
        assertThat(state("ep-1")).as("certified, never verified").isEqualTo(ComplianceState.UNVERIFIED);

        assertThat(inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(5), 1))).isTrue();
        assertThat(state("ep-1")).as("verified").isEqualTo(ComplianceState.COMPLIANT);
        assertThat(inventory.complianceCounts()).containsEntry(ComplianceState.COMPLIANT, 1L);

        clock.set(T0.plusSeconds(5).plus(FRESHNESS).plusMillis(1));
        assertThat(state("ep-1")).as("verdict older than 24 h").isEqualTo(ComplianceState.UNVERIFIED);
        assertThat(inventory.devices(new DeviceQuery(null, null, 0, 10)).items().get(0).state())
                .isEqualTo(ComplianceState.UNVERIFIED);
        assertThat(inventory.complianceCounts()).containsEntry(ComplianceState.COMPLIANT, 0L)
                .containsEntry(ComplianceState.UNVERIFIED, 1L);
        assertThat(inventory.devices(new DeviceQuery(ComplianceState.COMPLIANT, null, 0, 10)).total()).isZero();
        assertThat(endpoints(inventory.devices(new DeviceQuery(ComplianceState.UNVERIFIED, null, 0, 10))))
                .containsExactly("ep-1");

        inventory.verificationRecorded("ep-1", verified(clock.instant(), 2));
        assertThat(state("ep-1")).as("verified again").isEqualTo(ComplianceState.COMPLIANT);
        assertCountsMatchTheDevices();
    }

    @Test
    void aCollectionWithoutExtDevInfoLeavesTheDeviceWithoutPortfolio() {
        inventory.registered("ep-1", "1.1", true, T0);
        inventory.replaceCertifications(ACME_WIDGET_1);
        inventory.portfoliosCollected("ep-1", List.of(unlinked(0, "IMEI-1", "Acme", "Widget", "1.0")), false, T0);
        inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(1), 1));

        DeviceDetail detail = detail("ep-1");
        assertThat(detail.extDevInfoPresent()).isFalse();
        assertThat(detail.summary().host()).isEqualTo(HostIdentityView.UNKNOWN);
        assertThat(detail.summary().state()).isEqualTo(ComplianceState.NO_PORTFOLIO);
    }

    @Test
    void beforeItsFirstCollectionADeviceIsNotCollectedYetAndAFailedCollectionSaysSoWithItsError() {
        inventory.seen("ep-1", T0); // an Update before any collection: nothing of its objects is known
        assertThat(detail("ep-1").summary().reason()).isEqualTo("not collected yet");
        inventory.registered("ep-1", "1.1", true, T0); // object 16 registered, being read
        assertThat(detail("ep-1").summary().state()).isEqualTo(ComplianceState.NO_PORTFOLIO);
        assertThat(detail("ep-1").summary().reason()).isEqualTo("not collected yet");

        inventory.collectionFailed("ep-1", "Read /3/0/22: no answer within 5000 ms", T0);

        DeviceDetail failed = detail("ep-1");
        assertThat(failed.collectionError()).isEqualTo("Read /3/0/22: no answer within 5000 ms");
        assertThat(failed.summary().reason())
                .isEqualTo("the collection failed: Read /3/0/22: no answer within 5000 ms; not collected yet");
    }

    @Test
    void aCollectionWhereExtDevInfoLinksNoInstanceLeavesTheDeviceWithoutPortfolio() {
        inventory.registered("ep-1", "1.1", true, T0);
        inventory.replaceCertifications(ACME_WIDGET_1);
        inventory.portfoliosCollected("ep-1", List.of(unlinked(0, "IMEI-1", "Acme", "Widget", "1.0")), true, T0);

        DeviceDetail detail = detail("ep-1");
        assertThat(detail.extDevInfoPresent()).as("no link to an instance").isFalse();
        assertThat(detail.summary().state()).isEqualTo(ComplianceState.NO_PORTFOLIO);
        assertThat(detail.summary().reason()).isEqualTo("no ExtDevInfo link (/3/0/22) to a Portfolio instance");
    }

    @Test
    void aLinkedHostInstanceWithoutValuesIsUncertifiedWithTheReason() {
        // A client started without --host-*: object 16, the /3/0/22 link, an instance with no Identity values.
        inventory.registered("ep-1", "1.1", true, T0);
        inventory.replaceCertifications(ACME_WIDGET_1);
        inventory.portfoliosCollected("ep-1", List.of(new PortfolioSnapshot(0, new java.util.TreeMap<>(), true)),
                true, T0);
        inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(1), 1));

        DeviceDetail detail = detail("ep-1");
        assertThat(detail.extDevInfoPresent()).isTrue();
        assertThat(detail.summary().state()).isEqualTo(ComplianceState.UNCERTIFIED);
        assertThat(detail.summary().reason()).isEqualTo("the host reported no manufacturer, model or software "
                + "version, so no certification record can match");
        inventory.replaceCertifications(ACME_WIDGET_1); // states recomputed from the rows keep the same answer
        assertThat(state("ep-1")).isEqualTo(ComplianceState.UNCERTIFIED);
        assertCountsMatchTheDevices();
    }

    @Test
    void theHostIsTheLowestNumberedLinkedInstance() {
        inventory.registered("ep-1", "1.1", true, T0);
        inventory.portfoliosCollected("ep-1", List.of(host(5, "IMEI-5", "Five", "M5", "5"),
                unlinked(1, "IMEI-1", "One", "M1", "1"), host(2, "IMEI-2", "Two", "M2", "2")), true, T0);

        DeviceDetail detail = detail("ep-1");
        assertThat(detail.summary().host()).isEqualTo(new HostIdentityView("IMEI-2", "Two", "M2", "2"));
        assertThat(detail.portfolios()).extracting(PortfolioSnapshot::instanceId).containsExactly(1, 2, 5);
        assertThat(detail.portfolios()).extracting(PortfolioSnapshot::linkedFromDevice).containsExactly(false, true,
                true);
        assertThat(detail.portfolios().get(2).identities()).isEqualTo(identities("IMEI-5", "Five", "M5", "5"));
    }

    @Test
    void theFirstCollectionRecordsEveryValueAsAppeared() {
        inventory.registered("ep-1", "1.1", true, T0);
        inventory.portfoliosCollected("ep-1", List.of(host(0, "IMEI-1", "Acme", "Widget", "1.0")), true, T0);

        assertThat(detail("ep-1").history()).containsExactlyInAnyOrder(
                new IdentityChange(T0, 0, 0, null, "IMEI-1"), new IdentityChange(T0, 0, 1, null, "Acme"),
                new IdentityChange(T0, 0, 2, null, "Widget"), new IdentityChange(T0, 0, 3, null, "1.0"));
    }

    @Test
    void aLaterCollectionRecordsOnlyWhatChangedAppearedOrWentAway() {
        inventory.registered("ep-1", "1.1", true, T0);
        inventory.portfoliosCollected("ep-1", List.of(host(0, "IMEI-1", "Acme", "Widget", "1.0"),
                unlinked(1, "MOD-1", "Modem Co", null, null)), true, T0);
        Instant t1 = T0.plusSeconds(60);
        inventory.portfoliosCollected("ep-1", List.of(host(0, "IMEI-1", "Acme", "Widget", "1.1")), true, t1);

        List<IdentityChange> history = detail("ep-1").history();
        assertThat(history).hasSize(6 + 3);
        assertThat(history.subList(0, 3)).containsExactlyInAnyOrder(new IdentityChange(t1, 0, 3, "1.0", "1.1"),
                new IdentityChange(t1, 1, 0, "MOD-1", null), new IdentityChange(t1, 1, 1, "Modem Co", null));
        assertThat(detail("ep-1").portfolios()).extracting(PortfolioSnapshot::instanceId).containsExactly(0);
        assertThat(detail("ep-1").summary().host().softwareVersion()).isEqualTo("1.1");
    }

    @Test
    void anUnchangedCollectionAddsNoHistoryAndKeepsTheVerdictCurrent() {
        widgetCollected("ep-1");
        inventory.replaceCertifications(ACME_WIDGET_1);
        inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(10), 1));

        inventory.portfoliosCollected("ep-1", List.of(host(0, "IMEI-ep-1", "Acme", "Widget", "1.0")), true,
                T0.plusSeconds(20));

        assertThat(detail("ep-1").history()).hasSize(4);
        assertThat(state("ep-1")).isEqualTo(ComplianceState.COMPLIANT);
    }

    @Test
    void aHostSoftwareUpdateAfterTheVerdictIsAClaimUntilVerifiedAgain() {
        widgetCollected("ep-1");
        inventory.replaceCertifications(new CertificationList(
                List.of(WIDGET_1, new Certification("Acme", "Widget", "1.1")), Set.of()));
        inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(10), 1));
        assertThat(state("ep-1")).isEqualTo(ComplianceState.COMPLIANT);

        inventory.identityReported("ep-1", 0, 3, "1.1", T0.plusSeconds(20));

        DeviceDetail detail = detail("ep-1");
        assertThat(detail.summary().host().softwareVersion()).as("the verified value").isEqualTo("1.0");
        assertThat(detail.portfolios().get(0).identities()).containsEntry(3, "1.0");
        assertThat(detail.history().get(0))
                .isEqualTo(new IdentityChange(T0.plusSeconds(20), 0, 3, "1.0", "1.1", "PENDING", null));

        inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(30), 2));

        detail = detail("ep-1");
        assertThat(detail.summary().host().softwareVersion()).isEqualTo("1.1");
        assertThat(detail.portfolios().get(0).identities()).containsEntry(3, "1.1");
        assertThat(detail.history().get(0))
                .isEqualTo(new IdentityChange(T0.plusSeconds(20), 0, 3, "1.0", "1.1", "VERIFIED", null));
        assertThat(state("ep-1")).isEqualTo(ComplianceState.COMPLIANT);
    }

    @Test
    void aHostUpdateToAnUncertifiedVersionMakesTheDeviceUncertifiedOnceVerified() {
        widgetCollected("ep-1");
        inventory.replaceCertifications(ACME_WIDGET_1);
        inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(10), 1));

        inventory.identityReported("ep-1", 0, 3, "2.0-beta", T0.plusSeconds(20));
        inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(30), 2));

        assertThat(state("ep-1")).isEqualTo(ComplianceState.UNCERTIFIED);
    }

    @Test
    void collectedHostValuesThatFailVerificationNeverReplaceTheVerifiedOnes() {
        widgetCollected("ep-1");
        inventory.replaceCertifications(ACME_WIDGET_1);
        inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(10), 1));

        inventory.portfoliosCollected("ep-1", List.of(host(0, "IMEI-spoof", "Acme", "Widget", "9.9")), true,
                T0.plusSeconds(20));
        inventory.verificationRecorded("ep-1", new Verification(T0.plusSeconds(21), VerificationOutcome.FAILED,
                "UNTRUSTED_SIGNER: no trusted key", "sign", 0, null, null));

        DeviceDetail detail = detail("ep-1");
        assertThat(detail.summary().host()).isEqualTo(new HostIdentityView("IMEI-ep-1", "Acme", "Widget", "1.0"));
        assertThat(detail.portfolios().get(0).identities()).containsEntry(0, "IMEI-ep-1").containsEntry(3, "1.0");
        assertThat(detail.history().subList(0, 2)).containsExactlyInAnyOrder(
                new IdentityChange(T0.plusSeconds(20), 0, 0, "IMEI-ep-1", "IMEI-spoof", "FAILED",
                        "UNTRUSTED_SIGNER: no trusted key"),
                new IdentityChange(T0.plusSeconds(20), 0, 3, "1.0", "9.9", "FAILED",
                        "UNTRUSTED_SIGNER: no trusted key"));
        assertThat(inventory.devices(new DeviceQuery(null, "spoof", 0, 10)).items()).isEmpty();

        // a later claim supersedes an unsettled one; only the newest is applied by a VERIFIED verdict
        inventory.portfoliosCollected("ep-1", List.of(host(0, "IMEI-ep-1", "Acme", "Widget", "1.2")), true,
                T0.plusSeconds(30));
        inventory.portfoliosCollected("ep-1", List.of(host(0, "IMEI-ep-1", "Acme", "Widget", "1.3")), true,
                T0.plusSeconds(31));
        inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(32), 2));

        detail = detail("ep-1");
        assertThat(detail.summary().host().softwareVersion()).isEqualTo("1.3");
        assertThat(detail.history().subList(0, 2)).containsExactly(
                new IdentityChange(T0.plusSeconds(31), 0, 3, "1.0", "1.3", "VERIFIED", null),
                new IdentityChange(T0.plusSeconds(30), 0, 3, "1.0", "1.2", "SUPERSEDED", null));
    }

    @Test
    void beforeAnyVerifiedVerdictReportedValuesAreTheHost() {
        widgetCollected("ep-1");
        inventory.verificationRecorded("ep-1", new Verification(T0.plusSeconds(10), VerificationOutcome.FAILED,
                "BAD_SIGNATURE", "sign", 0, null, null));

        inventory.portfoliosCollected("ep-1", List.of(host(0, "IMEI-2", "Acme", "Widget", "1.1")), true,
                T0.plusSeconds(20));

        assertThat(detail("ep-1").summary().host().uniqueId()).isEqualTo("IMEI-2");
        assertThat(detail("ep-1").history().get(0).claimOutcome()).isNull();
    }

    @Test
    void aReportedValueIsAddedChangedAndRemovedWithAHistoryEntryEach() {
        inventory.registered("ep-1", "1.1", true, T0);
        inventory.identityReported("ep-1", 3, 7, "first", T0.plusSeconds(1));
        inventory.identityReported("ep-1", 3, 7, "first", T0.plusSeconds(2));
        inventory.identityReported("ep-1", 3, 7, "second", T0.plusSeconds(3));
        assertThat(detail("ep-1").portfolios()).containsExactly(new PortfolioSnapshot(3, identities(
                null, null, null, null, null, null, null, "second"), false));

        inventory.identityReported("ep-1", 3, 7, null, T0.plusSeconds(4));
        inventory.identityReported("ep-1", 3, 8, null, T0.plusSeconds(5));

        assertThat(detail("ep-1").history()).containsExactly(
                new IdentityChange(T0.plusSeconds(4), 3, 7, "second", null),
                new IdentityChange(T0.plusSeconds(3), 3, 7, "first", "second"),
                new IdentityChange(T0.plusSeconds(1), 3, 7, null, "first"));
        assertThat(detail("ep-1").portfolios().get(0).identities()).isEmpty();
    }

    @Test
    void aReportedValueOfTheHostInstanceChangesTheListedHost() {
        widgetCollected("ep-1"); // never verified: what it reports is all there is
        inventory.identityReported("ep-1", 0, 1, "Acme Corp", T0.plusSeconds(5));

        assertThat(inventory.devices(new DeviceQuery(null, "corp", 0, 10)).items())
                .extracting(d -> d.host().manufacturer()).containsExactly("Acme Corp");
    }

    @Test
    void aFailedCollectionIsShownUntilTheNextGoodOne() {
        widgetCollected("ep-1");
        inventory.collectionFailed("ep-1", "read /3/0/22: timeout", T0.plusSeconds(10));
        assertThat(detail("ep-1").collectionError()).isEqualTo("read /3/0/22: timeout");
        assertThat(detail("ep-1").portfolios()).as("kept").hasSize(1);

        inventory.portfoliosCollected("ep-1", List.of(host(0, "IMEI-ep-1", "Acme", "Widget", "1.0")), true,
                T0.plusSeconds(20));
        assertThat(detail("ep-1").collectionError()).isNull();
    }

    @Test
    void theDetailShowsTheNewest200IdentityChanges() {
        inventory.registered("ep-1", "1.1", true, T0);
        for (int i = 0; i < 230; i++) {
            inventory.identityReported("ep-1", 0, 3, "v" + i, T0.plusSeconds(i));
        }

        List<IdentityChange> history = detail("ep-1").history();
        assertThat(history).hasSize(JdbcInventory.HISTORY_SHOWN);
        assertThat(history.get(0)).isEqualTo(new IdentityChange(T0.plusSeconds(229), 0, 3, "v228", "v229"));
        assertThat(history.get(199).newValue()).isEqualTo("v30");
    }

    @Test
    void aCollectionNamingAnInstanceTwiceIsRefused() {
        assertThatThrownBy(() -> inventory.portfoliosCollected("ep-1",
                List.of(host(0, "a", "b", "c", "d"), unlinked(0, "e", "f", "g", "h")), true, T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("instance 0");
        assertThat(inventory.device("ep-1")).isEmpty();
    }

    // ------------------------------------------------------------------------------------------ verification

    @Test
    void aVerdictWithAHigherCounterIsAcceptedAndRaisesTheCounter() {
        widgetCollected("ep-1");
        assertThat(inventory.lastAcceptedCounter("ep-1")).isEqualTo(-1);

        assertThat(inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(1), 0))).isTrue();
        assertThat(inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(2), 9))).isTrue();

        assertThat(inventory.lastAcceptedCounter("ep-1")).isEqualTo(9);
        Verification last = detail("ep-1").summary().lastVerification();
        assertThat(last).isEqualTo(verified(T0.plusSeconds(2), 9));
    }

    @Test
    void aReplayedCounterIsStoredAsFailedAndRefused() {
        widgetCollected("ep-1");
        inventory.replaceCertifications(ACME_WIDGET_1);
        inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(1), 5));

        assertThat(inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(2), 5))).isFalse();
        assertThat(inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(3), 4))).isFalse();

        assertThat(inventory.lastAcceptedCounter("ep-1")).isEqualTo(5);
        List<Verification> verdicts = detail("ep-1").verifications();
        assertThat(verdicts).extracting(Verification::outcome).containsExactly(VerificationOutcome.FAILED,
                VerificationOutcome.FAILED, VerificationOutcome.VERIFIED);
        assertThat(verdicts.get(0).reason()).isEqualTo("counter replayed");
        assertThat(verdicts.get(0).counter()).isEqualTo(4);
        assertThat(verdicts.get(0).claimsJson()).isEqualTo("{\"counter\":4}");
        assertThat(state("ep-1")).isEqualTo(ComplianceState.UNVERIFIED);
    }

    @Test
    void verdictsWithoutCounterOrNotVerifiedAreStoredAsGivenAndLeaveTheCounter() {
        widgetCollected("ep-1");
        inventory.replaceCertifications(ACME_WIDGET_1);
        inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(1), 5));

        assertThat(inventory.verificationRecorded("ep-1", outcome(T0.plusSeconds(2),
                VerificationOutcome.NOT_SUPPORTED, "no GetAuthData"))).isTrue();
        assertThat(state("ep-1")).isEqualTo(ComplianceState.UNVERIFIED);
        assertThat(inventory.verificationRecorded("ep-1", new Verification(T0.plusSeconds(3),
                VerificationOutcome.FAILED, "bad signature", "sign", 0, 2L, "{}"))).isTrue();
        assertThat(inventory.verificationRecorded("ep-1", new Verification(T0.plusSeconds(4),
                VerificationOutcome.VERIFIED, null, "sign", 0, null, null))).isTrue();

        assertThat(inventory.lastAcceptedCounter("ep-1")).isEqualTo(5);
        assertThat(detail("ep-1").verifications()).extracting(Verification::reason).containsExactly(null,
                "bad signature", "no GetAuthData", null);
        assertThat(state("ep-1")).isEqualTo(ComplianceState.COMPLIANT);
    }

    @Test
    void aVerdictOlderThanTheLastOneIsKeptInTheListButDoesNotReplaceIt() {
        widgetCollected("ep-1");
        inventory.replaceCertifications(ACME_WIDGET_1);
        inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(20), 2));
        inventory.verificationRecorded("ep-1", outcome(T0.plusSeconds(10), VerificationOutcome.UNREACHABLE,
                "timeout"));

        assertThat(detail("ep-1").summary().lastVerification().outcome()).isEqualTo(VerificationOutcome.VERIFIED);
        assertThat(detail("ep-1").verifications()).extracting(Verification::outcome)
                .containsExactly(VerificationOutcome.VERIFIED, VerificationOutcome.UNREACHABLE);
        assertThat(state("ep-1")).isEqualTo(ComplianceState.COMPLIANT);
    }

    @Test
    void onlyTheNewest50VerdictsAreKept() {
        widgetCollected("ep-1");
        for (int i = 1; i <= 60; i++) {
            inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(i), i));
        }

        List<Verification> verdicts = detail("ep-1").verifications();
        assertThat(verdicts).hasSize(JdbcInventory.VERIFICATIONS_KEPT);
        assertThat(verdicts.get(0).counter()).isEqualTo(60);
        assertThat(verdicts.get(49).counter()).isEqualTo(11);
    }

    @Test
    void instantsKeepTheirMilliseconds() {
        Instant precise = T0.plusMillis(123);
        inventory.registered("ep-1", "1.1", true, precise);
        inventory.verificationRecorded("ep-1", verified(precise.plusMillis(1), 1));

        assertThat(detail("ep-1").summary().registeredAt()).isEqualTo(precise);
        assertThat(detail("ep-1").summary().lastVerification().at()).isEqualTo(precise.plusMillis(1));
    }

    // ---------------------------------------------------------------------------------------- certifications

    @Test
    void replacingTheCertificationsRecomputesEveryDevice() {
        widgetCollected("ep-1");
        inventory.registered("ep-2", "1.1", true, T0);
        inventory.portfoliosCollected("ep-2", List.of(host(0, "IMEI-ep-2", "Beta", "Box", "2")), true, T0);
        inventory.registered("ep-3", "1.0", false, T0);
        inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(1), 1));
        inventory.verificationRecorded("ep-2", verified(T0.plusSeconds(1), 1));
        assertThat(inventory.complianceCounts()).containsEntry(ComplianceState.UNCERTIFIED, 2L);

        inventory.replaceCertifications(ACME_WIDGET_1);
        assertThat(state("ep-1")).isEqualTo(ComplianceState.COMPLIANT);
        assertThat(state("ep-2")).isEqualTo(ComplianceState.UNCERTIFIED);
        assertThat(state("ep-3")).isEqualTo(ComplianceState.NO_PORTFOLIO);

        inventory.replaceCertifications(new CertificationList(List.of(new Certification("Beta", "Box", "2")),
                Set.of()));
        assertThat(state("ep-1")).isEqualTo(ComplianceState.UNCERTIFIED);
        assertThat(state("ep-2")).isEqualTo(ComplianceState.COMPLIANT);

        inventory.replaceCertifications(CertificationList.EMPTY);
        assertThat(inventory.complianceCounts()).isEqualTo(Map.of(ComplianceState.NO_PORTFOLIO, 1L,
                ComplianceState.UNCERTIFIED, 2L, ComplianceState.UNVERIFIED, 0L, ComplianceState.COMPLIANT, 0L));
        assertCountsMatchTheDevices();
    }

    @Test
    void allocatedUniqueIdsDecideWhichCertifiedHostsAreCertified() {
        widgetCollected("ep-1");
        widgetCollected("ep-2");
        inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(1), 1));
        inventory.verificationRecorded("ep-2", verified(T0.plusSeconds(1), 1));

        inventory.replaceCertifications(new CertificationList(List.of(WIDGET_1), Set.of("IMEI-ep-2")));

        assertThat(state("ep-1")).isEqualTo(ComplianceState.UNCERTIFIED);
        assertThat(state("ep-2")).isEqualTo(ComplianceState.COMPLIANT);
        // a write recomputes with the same rule as the replacement did
        inventory.seen("ep-1", T0.plusSeconds(2));
        inventory.seen("ep-2", T0.plusSeconds(2));
        assertThat(state("ep-1")).isEqualTo(ComplianceState.UNCERTIFIED);
        assertThat(state("ep-2")).isEqualTo(ComplianceState.COMPLIANT);
    }

    @Test
    void theCertificationListReadsBackTrimmedAndWithoutDuplicates() {
        inventory.replaceCertifications(new CertificationList(List.of(new Certification(" Acme ", "Widget", "1.0"),
                WIDGET_1, new Certification("Beta", "Box", "2")), Set.of(" IMEI-1", "IMEI-2")));

        CertificationList list = inventory.certifications();
        assertThat(list.records()).containsExactly(WIDGET_1, new Certification("Beta", "Box", "2"));
        assertThat(list.allocatedUniqueIds()).containsExactlyInAnyOrder("IMEI-1", "IMEI-2");
        assertThat(CertificationList.EMPTY.records()).isEmpty();
    }

    @Test
    void aCertificationWithAnEmptyFieldIsRefusedAndTheListKept() {
        inventory.replaceCertifications(ACME_WIDGET_1);
        assertThatThrownBy(() -> inventory.replaceCertifications(new CertificationList(
                List.of(new Certification("Acme", " ", "1.0")), Set.of()))).isInstanceOf(IllegalArgumentException.class);
        assertThat(inventory.certifications().records()).containsExactly(WIDGET_1);
    }

    @Test
    void aHostIsComparedWithTheCertificationsAfterTrimming() {
        inventory.registered("ep-1", "1.1", true, T0);
        inventory.portfoliosCollected("ep-1", List.of(host(0, " IMEI-1 ", " Acme", "Widget ", "1.0")), true, T0);
        inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(1), 1));

        inventory.replaceCertifications(new CertificationList(List.of(WIDGET_1), Set.of("IMEI-1")));
        assertThat(state("ep-1")).isEqualTo(ComplianceState.COMPLIANT);
        inventory.seen("ep-1", T0.plusSeconds(2));
        assertThat(state("ep-1")).isEqualTo(ComplianceState.COMPLIANT);
    }

    // ------------------------------------------------------------------------------------ listing and counts

    @Test
    void theFleetListIsOrderedByEndpointPagedAndCounted() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            names.add(String.format("dev-%02d", i));
        }
        List<String> shuffled = new ArrayList<>(names);
        Collections.shuffle(shuffled, new Random(7));
        shuffled.forEach(ep -> inventory.registered(ep, "1.1", false, T0));

        Page<DeviceSummary> first = inventory.devices(new DeviceQuery(null, null, 0, 10));
        Page<DeviceSummary> last = inventory.devices(new DeviceQuery(null, null, 2, 10));
        Page<DeviceSummary> beyond = inventory.devices(new DeviceQuery(null, null, 3, 10));

        assertThat(endpoints(first)).isEqualTo(names.subList(0, 10));
        assertThat(first.total()).isEqualTo(25);
        assertThat(first.page()).isZero();
        assertThat(first.size()).isEqualTo(10);
        assertThat(endpoints(last)).isEqualTo(names.subList(20, 25));
        assertThat(last.total()).isEqualTo(25);
        assertThat(beyond.items()).isEmpty();
        assertThat(beyond.total()).isEqualTo(25);
    }

    @Test
    void endpointsSortByCodePointOnEveryDatabase() {
        for (String ep : List.of("b", "B", "a-2", "a_1", "A", "a10", "a2")) {
            inventory.registered(ep, "1.1", false, T0);
        }
        assertThat(endpoints(inventory.devices(new DeviceQuery(null, null, 0, 10))))
                .containsExactly("A", "B", "a-2", "a10", "a2", "a_1", "b");
    }

    @Test
    void theTextFilterMatchesEndpointAndHostValuesIgnoringCase() {
        widgetCollected("alpha");
        inventory.registered("beta", "1.1", true, T0);
        inventory.portfoliosCollected("beta", List.of(host(0, "353456789012345", "Globex", "Sensor-X", "4.2.0")),
                true, T0);
        inventory.registered("gamma-WIDGET-watcher", "1.1", false, T0);

        assertThat(endpoints(inventory.devices(new DeviceQuery(null, "widget", 0, 10))))
                .containsExactly("alpha", "gamma-WIDGET-watcher");
        assertThat(endpoints(inventory.devices(new DeviceQuery(null, "GLOBEX", 0, 10)))).containsExactly("beta");
        assertThat(endpoints(inventory.devices(new DeviceQuery(null, "sensor-x", 0, 10)))).containsExactly("beta");
        assertThat(endpoints(inventory.devices(new DeviceQuery(null, "4.2", 0, 10)))).containsExactly("beta");
        assertThat(endpoints(inventory.devices(new DeviceQuery(null, "89012", 0, 10)))).containsExactly("beta");
        assertThat(endpoints(inventory.devices(new DeviceQuery(null, " ALP ", 0, 10)))).containsExactly("alpha");
        assertThat(inventory.devices(new DeviceQuery(null, "nothing-like-this", 0, 10)).total()).isZero();
        assertThat(inventory.devices(new DeviceQuery(null, "", 0, 10)).total()).isEqualTo(3);
    }

    @Test
    void wildcardCharactersInTheTextFilterMatchThemselves() {
        inventory.registered("ep_1", "1.1", false, T0);
        inventory.registered("epX1", "1.1", false, T0);
        inventory.registered("ep%2", "1.1", false, T0);
        inventory.registered("ep!3", "1.1", false, T0);

        assertThat(endpoints(inventory.devices(new DeviceQuery(null, "p_1", 0, 10)))).containsExactly("ep_1");
        assertThat(endpoints(inventory.devices(new DeviceQuery(null, "%", 0, 10)))).containsExactly("ep%2");
        assertThat(endpoints(inventory.devices(new DeviceQuery(null, "!", 0, 10)))).containsExactly("ep!3");
    }

    @Test
    void theStateFilterAndTheCountsAgree() {
        widgetCollected("compliant");
        widgetCollected("unverified");
        inventory.registered("uncertified", "1.1", true, T0);
        inventory.portfoliosCollected("uncertified", List.of(host(0, "X", "Other", "Thing", "9")), true, T0);
        inventory.registered("bare-1", "1.0", false, T0);
        inventory.registered("bare-2", "1.0", false, T0);
        inventory.replaceCertifications(ACME_WIDGET_1);
        inventory.verificationRecorded("compliant", verified(T0.plusSeconds(1), 1));

        assertThat(inventory.complianceCounts()).isEqualTo(Map.of(ComplianceState.NO_PORTFOLIO, 2L,
                ComplianceState.UNCERTIFIED, 1L, ComplianceState.UNVERIFIED, 1L, ComplianceState.COMPLIANT, 1L));
        for (ComplianceState state : ComplianceState.values()) {
            Page<DeviceSummary> page = inventory.devices(new DeviceQuery(state, null, 0, 10));
            assertThat(page.total()).as(state.name()).isEqualTo(inventory.complianceCounts().get(state));
            assertThat(page.items()).allSatisfy(d -> assertThat(d.state()).isEqualTo(state));
        }
        assertThat(endpoints(inventory.devices(new DeviceQuery(ComplianceState.NO_PORTFOLIO, "2", 0, 10))))
                .containsExactly("bare-2");
        assertCountsMatchTheDevices();
    }

    @Test
    void devicesWhoseVerdictAgedAreListedAndPagedAmongTheUnverified() {
        for (String ep : List.of("a", "b", "c", "d", "e")) {
            widgetCollected(ep);
        }
        inventory.replaceCertifications(ACME_WIDGET_1);
        inventory.verificationRecorded("b", verified(T0.plusSeconds(1), 1));
        inventory.verificationRecorded("e", verified(T0.plusSeconds(1), 1));
        inventory.verificationRecorded("d", verified(T0.plusSeconds(7200), 1));
        clock.set(T0.plusSeconds(1).plus(FRESHNESS).plusMillis(1));

        assertThat(endpoints(inventory.devices(new DeviceQuery(ComplianceState.UNVERIFIED, null, 0, 2))))
                .containsExactly("a", "b");
        assertThat(endpoints(inventory.devices(new DeviceQuery(ComplianceState.UNVERIFIED, null, 1, 2))))
                .containsExactly("c", "e");
        assertThat(inventory.devices(new DeviceQuery(ComplianceState.UNVERIFIED, null, 1, 2)).total()).isEqualTo(4);
        assertThat(endpoints(inventory.devices(new DeviceQuery(ComplianceState.COMPLIANT, null, 0, 2))))
                .containsExactly("d");
        assertThat(endpoints(inventory.devices(new DeviceQuery(ComplianceState.UNVERIFIED, "e", 0, 10))))
                .containsExactly("a", "b", "c", "e");
        assertThat(endpoints(inventory.devices(new DeviceQuery(ComplianceState.COMPLIANT, "e", 0, 10))))
                .containsExactly("d");
        assertCountsMatchTheDevices();
    }

    @Test
    void anEmptyInventoryCountsZeroInEveryState() {
        assertThat(inventory.complianceCounts()).hasSize(4).allSatisfy((state, count) -> assertThat(count).isZero());
        assertThat(inventory.devices(new DeviceQuery(null, null, 0, 10)).total()).isZero();
    }

    // ------------------------------------------------------------------------------------ listing by cursor

    /** Every page by cursor from the start, each checked: at most limit devices, a next cursor but on the last. */
    List<String> walk(ComplianceState state, String text, int limit) {
        List<String> seen = new ArrayList<>();
        String after = null;
        for (int pages = 0; pages < 1000; pages++) {
            CursorPage<DeviceSummary> page = inventory.devices(new DeviceCursorQuery(state, text, after, limit,
                    false));
            assertThat(page.items()).hasSizeLessThanOrEqualTo(limit);
            assertThat(page.total()).isNull();
            if (state != null) {
                assertThat(page.items()).allSatisfy(d -> assertThat(d.state()).isEqualTo(state));
            }
            page.items().forEach(d -> seen.add(d.endpoint()));
            if (page.next() == null) {
                return seen;
            }
            assertThat(page.items()).hasSize(limit);
            assertThat(page.next()).isEqualTo(seen.get(seen.size() - 1));
            after = page.next();
        }
        throw new AssertionError("the cursor never reached the end");
    }

    @Test
    void pagingByCursorGivesEveryDeviceOnceInEndpointOrder() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            names.add(String.format("dev-%02d", i));
        }
        List<String> shuffled = new ArrayList<>(names);
        Collections.shuffle(shuffled, new Random(11));
        shuffled.forEach(ep -> inventory.registered(ep, "1.1", false, T0));

        for (int limit : List.of(1, 7, 10, 25, 26, 1000)) {
            assertThat(walk(null, null, limit)).as("limit " + limit).isEqualTo(names);
        }
        CursorPage<DeviceSummary> first = inventory.devices(new DeviceCursorQuery(null, null, null, 10, true));
        assertThat(first.total()).isEqualTo(25);
        assertThat(first.limit()).isEqualTo(10);
        assertThat(first.next()).isEqualTo("dev-09");
        // a full last page says that it is the last: no empty page after it
        CursorPage<DeviceSummary> last = inventory.devices(new DeviceCursorQuery(null, null, "dev-14", 10, true));
        assertThat(last.items()).extracting(DeviceSummary::endpoint).isEqualTo(names.subList(15, 25));
        assertThat(last.next()).isNull();
        assertThat(last.total()).isEqualTo(25);
    }

    /** A fleet with every kind of value the orders meet: equal values, missing hosts, offline and verdicts. */
    void aMixedFleet() {
        String[] makers = {"Acme", "Beta", "Gamma"};
        for (int i = 0; i < 23; i++) {
            String ep = String.format("dev-%02d", (i * 7) % 23);
            inventory.registered(ep, "1.1", i % 5 != 0, T0.plusSeconds(i % 4));
            if (i % 5 != 0) {
                inventory.portfoliosCollected(ep, List.of(host(0, "ID-" + (i % 6), makers[i % 3], "M" + (i % 2),
                        i % 4 == 0 ? null : "v" + (i % 3))), true, T0);
            }
            if (i % 3 == 0) {
                inventory.deregistered(ep, T0.plusSeconds(10));
            }
            if (i % 4 == 1) {
                inventory.verificationRecorded(ep, i % 8 == 1 ? verified(T0.plusSeconds(20), 1)
                        : outcome(T0.plusSeconds(20), VerificationOutcome.FAILED, "bad"));
            }
        }
    }

    /** Every page of the order from the start: at most limit devices a page, all of them once in the end. */
    List<DeviceSummary> walkSorted(DeviceSort sort, boolean descending, ComplianceState state, String text,
            int limit) {
        List<DeviceSummary> seen = new ArrayList<>();
        String after = null;
        for (int pages = 0; pages < 1000; pages++) {
            CursorPage<DeviceSummary> page = inventory.devices(new DeviceCursorQuery(state, text, after, limit,
                    false, sort, descending));
            assertThat(page.items()).hasSizeLessThanOrEqualTo(limit);
            seen.addAll(page.items());
            if (page.next() == null) {
                return seen;
            }
            after = page.next();
        }
        throw new AssertionError("the cursor never reached the end");
    }

    static Comparable<?> sortValue(DeviceSort sort, DeviceSummary d) {
        return switch (sort) {
            case ENDPOINT -> d.endpoint();
            case MANUFACTURER -> d.host().manufacturer();
            case MODEL -> d.host().model();
            case SOFTWARE_VERSION -> d.host().softwareVersion();
            case UNIQUE_ID -> d.host().uniqueId();
            case LAST_SEEN -> d.lastSeen();
            case ONLINE -> d.online();
            case VERDICT -> d.lastVerification() == null ? null : d.lastVerification().outcome().name();
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Comparator<DeviceSummary> expectedOrder(DeviceSort sort, boolean descending) {
        Comparator<Comparable> values = descending
                ? Comparator.nullsFirst(Comparator.<Comparable>naturalOrder().reversed())
                : Comparator.nullsLast(Comparator.<Comparable>naturalOrder());
        Comparator<DeviceSummary> byValue = (a, b) -> values.compare(sortValue(sort, a), sortValue(sort, b));
        Comparator<DeviceSummary> byEndpoint = Comparator.comparing(DeviceSummary::endpoint);
        return byValue.thenComparing(descending ? byEndpoint.reversed() : byEndpoint);
    }

    @Test
    void everyOrderPagesEveryDeviceOnceByCursor() {
        aMixedFleet();
        List<DeviceSummary> all = walk(null, null, 1000).stream().map(ep -> detail(ep).summary()).toList();
        for (DeviceSort sort : DeviceSort.values()) {
            for (boolean descending : List.of(false, true)) {
                List<String> expected = all.stream().sorted(expectedOrder(sort, descending))
                        .map(DeviceSummary::endpoint).toList();
                for (int limit : List.of(1, 4, 23, 50)) {
                    assertThat(walkSorted(sort, descending, null, null, limit)).extracting(DeviceSummary::endpoint)
                            .as("%s %s, limit %d", sort, descending ? "desc" : "asc", limit)
                            .isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void anOrderKeepsTheFilterAndTheSearch() {
        aMixedFleet();
        List<DeviceSummary> uncertified = walkSorted(DeviceSort.LAST_SEEN, true, ComplianceState.UNCERTIFIED, null, 2);
        assertThat(uncertified).isNotEmpty().isSortedAccordingTo(expectedOrder(DeviceSort.LAST_SEEN, true));
        assertThat(uncertified).allSatisfy(d -> assertThat(d.state()).isEqualTo(ComplianceState.UNCERTIFIED));
        assertThat(uncertified).hasSize(walk(ComplianceState.UNCERTIFIED, null, 1000).size());
        List<DeviceSummary> beta = walkSorted(DeviceSort.MODEL, false, null, "beta", 3);
        assertThat(beta).isNotEmpty().isSortedAccordingTo(expectedOrder(DeviceSort.MODEL, false));
        assertThat(beta).allSatisfy(d -> assertThat(d.host().manufacturer()).isEqualTo("Beta"));
        assertThat(beta).hasSize(walk(null, "beta", 1000).size());
    }

    @Test
    void aCursorOfAnotherOrderIsRefused() {
        aMixedFleet();
        String modelCursor = inventory.devices(new DeviceCursorQuery(null, null, null, 2, false, DeviceSort.MODEL,
                false)).next();
        assertThatThrownBy(() -> new DeviceCursorQuery(null, null, modelCursor, 2, false, DeviceSort.LAST_SEEN,
                false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a cursor of the order sort=lastSeen");
        assertThatThrownBy(() -> new DeviceCursorQuery(null, null, "dev-01", 2, false, DeviceSort.ONLINE, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeviceCursorQuery(null, null, "x".repeat(8193), 2, false, DeviceSort.MODEL,
                false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCursorNeedNotBeAnEndpoint() {
        for (String ep : List.of("a", "b", "c", "d")) {
            inventory.registered(ep, "1.1", false, T0);
        }
        assertThat(cursorEndpoints(null, null, "b0", 10)).containsExactly("c", "d");
        assertThat(cursorEndpoints(null, null, "", 10)).containsExactly("a", "b", "c", "d");
        CursorPage<DeviceSummary> beyond = inventory.devices(new DeviceCursorQuery(null, null, "z", 10, true));
        assertThat(beyond.items()).isEmpty();
        assertThat(beyond.next()).isNull();
        assertThat(beyond.total()).isEqualTo(4);
        // a device registered behind the cursor meanwhile is not seen again, one ahead of it is
        inventory.registered("a2", "1.1", false, T0);
        inventory.registered("c2", "1.1", false, T0);
        assertThat(cursorEndpoints(null, null, "b", 10)).containsExactly("c", "c2", "d");
    }

    @Test
    void pagingByCursorWithAStateOrATextFilterGivesEachMatchOnceInOrder() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String ep = String.format("ep-%02d", i);
            all.add(ep);
            switch (i % 5) {
            case 0 -> inventory.registered(ep, "1.0", false, T0);
            case 1 -> {
                inventory.registered(ep, "1.1", true, T0);
                inventory.portfoliosCollected(ep, List.of(host(0, "X-" + ep, "Other", "Thing", "9")), true, T0);
            }
            default -> widgetCollected(ep);
            }
        }
        inventory.replaceCertifications(ACME_WIDGET_1);
        for (int i = 0; i < 30; i++) {
            // i % 5 == 3: verified early, aged by the clock below; i % 5 == 4: verified fresh
            if (i % 5 == 3) {
                inventory.verificationRecorded(all.get(i), verified(T0.plusSeconds(1), 1));
            } else if (i % 5 == 4) {
                inventory.verificationRecorded(all.get(i), verified(T0.plusSeconds(7200), 1));
            }
        }
        clock.set(T0.plusSeconds(1).plus(FRESHNESS).plusMillis(1));

        for (ComplianceState state : ComplianceState.values()) {
            List<String> expected = new ArrayList<>();
            inventory.forEachDevice(d -> {
                if (d.state() == state) {
                    expected.add(d.endpoint());
                }
            });
            assertThat(expected).as(state.name()).isNotEmpty();
            assertThat(walk(state, null, 2)).as(state.name()).isEqualTo(expected);
            assertThat(inventory.devices(new DeviceCursorQuery(state, null, null, 2, true)).total()).as(state.name())
                    .isEqualTo(expected.size());
        }
        // UNVERIFIED: the stored ones (i % 5 == 2) and the aged verdicts (i % 5 == 3), merged in order
        assertThat(walk(ComplianceState.UNVERIFIED, null, 3)).hasSize(12).isSorted();
        assertThat(walk(null, "widget", 4)).isEqualTo(all.stream().filter(ep -> Integer.parseInt(ep.substring(3)) % 5
                >= 2).toList());
        assertThat(walk(null, "-1", 1)).containsExactly("ep-10", "ep-11", "ep-12", "ep-13", "ep-14", "ep-15",
                "ep-16", "ep-17", "ep-18", "ep-19");
        assertThat(walk(ComplianceState.UNVERIFIED, "-1", 1)).containsExactly("ep-12", "ep-13", "ep-17", "ep-18");
        assertThat(inventory.devices(new DeviceCursorQuery(ComplianceState.UNVERIFIED, "-1", "ep-13", 1, true))
                .total()).isEqualTo(4);
    }

    @Test
    void aCursorQueryRefusesALimitOutOfRangeAndACursorLongerThanAnyEndpoint() {
        assertThatThrownBy(() -> new DeviceCursorQuery(null, null, null, 0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("limit must be 1 to 1000, got 0");
        assertThatThrownBy(() -> new DeviceCursorQuery(null, null, null, 1001, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeviceCursorQuery(null, null, "x".repeat(1025), 10, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("after must be at most 1024 characters, got 1025");
        // characters as the endpoint column counts them: an emoji is one, though two UTF-16 units
        inventory.registered("a", "1.1", false, T0);
        assertThat(cursorEndpoints(null, null, "\uD83D\uDE00".repeat(1024), 10)).isEmpty();
    }

    List<String> cursorEndpoints(ComplianceState state, String text, String after, int limit) {
        return inventory.devices(new DeviceCursorQuery(state, text, after, limit, false)).items().stream()
                .map(DeviceSummary::endpoint).toList();
    }

    @Test
    void everyDeviceIsStreamedInEndpointOrderAcrossBatches() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            names.add("d" + (char) ('a' + i));
        }
        names.forEach(ep -> inventory.registered(ep, "1.1", false, T0));

        List<String> streamed = new ArrayList<>();
        inventory.forEachDevice(d -> streamed.add(d.endpoint()), 5);
        assertThat(streamed).isEqualTo(names);
        List<DeviceSummary> all = new ArrayList<>();
        inventory.forEachDevice(all::add);
        assertThat(all).extracting(DeviceSummary::endpoint).isEqualTo(names);
        assertThat(all.get(0)).isEqualTo(inventory.devices(new DeviceQuery(null, null, 0, 1)).items().get(0));
    }

    // ------------------------------------------------------------------------------------------- credentials

    @Test
    void credentialsAreAddedReadReplacedListedAndRemoved() {
        DeviceCredential psk = new DeviceCredential("ep-1", DeviceCredential.Kind.PSK, "id-1", new byte[] { 1, 2, 3 });
        DeviceCredential rpk = new DeviceCredential("ep-2", DeviceCredential.Kind.RPK, null, new byte[] { 4, 5 });
        DeviceCredential x509 = new DeviceCredential("ep-3", DeviceCredential.Kind.X509, null, null);
        inventory.putCredential(psk);
        inventory.putCredential(rpk);
        inventory.putCredential(x509);

        assertThat(inventory.credential("ep-1")).get().usingRecursiveComparison().isEqualTo(psk);
        assertThat(inventory.credentialByPskIdentity("id-1")).get().usingRecursiveComparison().isEqualTo(psk);
        assertThat(inventory.credentialByPskIdentity("ID-1")).isEmpty();
        assertThat(inventory.credential("ep-3")).get().usingRecursiveComparison().isEqualTo(x509);
        assertThat(inventory.credentials()).extracting(DeviceCredential::endpoint).containsExactly("ep-1", "ep-2",
                "ep-3");

        DeviceCredential rotated = new DeviceCredential("ep-1", DeviceCredential.Kind.PSK, "id-1b", new byte[] { 9 });
        inventory.putCredential(rotated);
        assertThat(inventory.credential("ep-1")).get().usingRecursiveComparison().isEqualTo(rotated);
        assertThat(inventory.credentialByPskIdentity("id-1")).isEmpty();

        assertThat(inventory.removeCredential("ep-2")).isTrue();
        assertThat(inventory.removeCredential("ep-2")).isFalse();
        assertThat(inventory.credential("ep-2")).isEmpty();
        assertThat(inventory.credentials()).hasSize(2);
    }

    @Test
    void aPskIdentityBelongsToOneEndpointOnly() {
        inventory.putCredential(new DeviceCredential("ep-1", DeviceCredential.Kind.PSK, "shared", new byte[] { 1 }));
        inventory.putCredential(new DeviceCredential("ep-1", DeviceCredential.Kind.PSK, "shared", new byte[] { 2 }));

        assertThatThrownBy(() -> inventory.putCredential(
                new DeviceCredential("ep-2", DeviceCredential.Kind.PSK, "shared", new byte[] { 3 })))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the PSK identity shared is already used by endpoint ep-1");
        assertThat(inventory.credential("ep-2")).isEmpty();
        assertThat(inventory.credentialByPskIdentity("shared").orElseThrow().secret()).containsExactly(2);
    }

    @Test
    void anIncompleteCredentialIsRefused() {
        assertThatThrownBy(() -> inventory.putCredential(
                new DeviceCredential("ep-1", DeviceCredential.Kind.PSK, null, new byte[] { 1 })))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PSK identity");
        assertThatThrownBy(() -> inventory.putCredential(
                new DeviceCredential("ep-1", DeviceCredential.Kind.PSK, "id", new byte[0])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> inventory.putCredential(
                new DeviceCredential("ep-1", DeviceCredential.Kind.RPK, null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("public key");
        assertThatThrownBy(() -> inventory.putCredential(
                new DeviceCredential("ep-1", DeviceCredential.Kind.X509, "id", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only a PSK");
        assertThat(inventory.credentials()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------- restart

    @Test
    void everythingIsStillThereAfterARestart() {
        widgetCollected("ep-1");
        inventory.identityReported("ep-1", 0, 3, "1.1", T0.plusSeconds(5));
        inventory.replaceCertifications(new CertificationList(
                List.of(WIDGET_1, new Certification("Acme", "Widget", "1.1")), Set.of("IMEI-ep-1")));
        inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(10), 3));
        inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(11), 3));
        inventory.collectionFailed("ep-2", "no answer", T0);
        inventory.putCredential(new DeviceCredential("ep-1", DeviceCredential.Kind.PSK, "id-1", new byte[] { 7 }));
        DeviceDetail before = detail("ep-1");
        DeviceDetail before2 = detail("ep-2");
        Map<ComplianceState, Long> counts = inventory.complianceCounts();

        reopen();

        assertThat(detail("ep-1")).isEqualTo(before);
        assertThat(detail("ep-2")).isEqualTo(before2);
        assertThat(inventory.complianceCounts()).isEqualTo(counts);
        assertThat(inventory.lastAcceptedCounter("ep-1")).isEqualTo(3);
        assertThat(inventory.certifications().records()).hasSize(2);
        assertThat(inventory.certifications().allocatedUniqueIds()).containsExactly("IMEI-ep-1");
        assertThat(inventory.credentialByPskIdentity("id-1").orElseThrow().secret()).containsExactly(7);
        assertThat(inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(12), 3))).isFalse();
        assertCountsMatchTheDevices();
    }

    // ------------------------------------------------------------------------------------------ concurrency

    @Test
    void concurrentReportsAndVerdictsOnOneDeviceLoseNothing() throws Exception {
        widgetCollected("ep-1");
        int threads = 8;
        int perThread = 10;
        int counters = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Long>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await();
                    List<Long> accepted = new ArrayList<>();
                    for (int i = 0; i < Math.max(perThread, counters); i++) {
                        if (i < perThread) {
                            int identityId = 100 + thread * perThread + i;
                            inventory.identityReported("ep-1", 1, identityId, "a" + identityId, T0.plusSeconds(1));
                            inventory.identityReported("ep-1", 1, identityId, "b" + identityId, T0.plusSeconds(2));
                        }
                        if (i < counters) {
                            long counter = i + 1;
                            // every thread offers every counter, each thread in increasing order
                            if (inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(10 + counter), counter))) {
                                accepted.add(counter);
                            }
                        }
                    }
                    return accepted;
                }));
            }
            start.countDown();
            List<Long> accepted = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                accepted.addAll(result.get(120, TimeUnit.SECONDS));
            }

            Collections.sort(accepted);
            List<Long> expected = new ArrayList<>();
            for (long c = 1; c <= counters; c++) {
                expected.add(c);
            }
            assertThat(accepted).as("each counter accepted exactly once").isEqualTo(expected);
            assertThat(inventory.lastAcceptedCounter("ep-1")).isEqualTo(counters);

            DeviceDetail detail = detail("ep-1");
            SortedMap<Integer, String> values = detail.portfolios().stream().filter(p -> p.instanceId() == 1)
                    .findFirst().orElseThrow().identities();
            assertThat(values).hasSize(threads * perThread);
            values.forEach((id, value) -> assertThat(value).isEqualTo("b" + id));
            List<IdentityChange> changes = detail.history().stream().filter(c -> c.instanceId() == 1).toList();
            assertThat(changes).hasSize(2 * threads * perThread);
            for (int id = 100; id < 100 + threads * perThread; id++) {
                assertThat(changes).contains(new IdentityChange(T0.plusSeconds(1), 1, id, null, "a" + id),
                        new IdentityChange(T0.plusSeconds(2), 1, id, "a" + id, "b" + id));
            }
            assertThat(detail.verifications()).filteredOn(v -> v.outcome() == VerificationOutcome.VERIFIED)
                    .extracting(Verification::counter).doesNotHaveDuplicates();
            assertThat(detail.summary().lastVerification().counter()).isEqualTo(counters);
            assertCountsMatchTheDevices();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentVerdictsWithCountersOutOfOrderAcceptEachCounterAtMostOnce() throws Exception {
        widgetCollected("ep-1");
        int threads = 8;
        List<Long> counters = new ArrayList<>();
        for (long c = 1; c <= 80; c++) {
            counters.add(c);
            counters.add(c);
        }
        Collections.shuffle(counters, new Random(42));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Long>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                List<Long> mine = counters.subList(t * counters.size() / threads, (t + 1) * counters.size() / threads);
                results.add(pool.submit(() -> {
                    start.await();
                    List<Long> accepted = new ArrayList<>();
                    for (long counter : mine) {
                        if (inventory.verificationRecorded("ep-1", verified(T0.plusSeconds(counter), counter))) {
                            accepted.add(counter);
                        }
                    }
                    return accepted;
                }));
            }
            start.countDown();
            List<Long> accepted = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                accepted.addAll(result.get(120, TimeUnit.SECONDS));
            }

            assertThat(accepted).doesNotHaveDuplicates().contains(80L);
            assertThat(inventory.lastAcceptedCounter("ep-1")).isEqualTo(80);
            List<Verification> kept = detail("ep-1").verifications();
            assertThat(kept).hasSize(JdbcInventory.VERIFICATIONS_KEPT);
            assertThat(kept).filteredOn(v -> v.outcome() == VerificationOutcome.FAILED)
                    .allSatisfy(v -> assertThat(v.reason()).isEqualTo("counter replayed"));
            assertCountsMatchTheDevices();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentFirstContactsCreateEachDeviceOnceAndCountItOnce() throws Exception {
        int threads = 8;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        // every thread races to create "shared-<i>", and registers devices of its own
                        inventory.seen("shared-" + i, T0.plusSeconds(thread));
                        inventory.registered("own-" + thread + "-" + i, "1.1", i % 2 == 0, T0);
                        inventory.portfoliosCollected("own-" + thread + "-" + i,
                                List.of(host(0, "IMEI", "Acme", "Widget", "1.0")), true, T0);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> result : results) {
                result.get(120, TimeUnit.SECONDS);
            }

            assertThat(inventory.devices(new DeviceQuery(null, null, 0, 1)).total())
                    .isEqualTo(threads * perThread + perThread);
            assertThat(detail("shared-3").summary().lastSeen()).isEqualTo(T0.plusSeconds(threads - 1));
            assertCountsMatchTheDevices();
        } finally {
            pool.shutdownNow();
        }
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
