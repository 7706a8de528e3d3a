package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.DeviceDetail;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/** The collector end to end: our server, real clients on loopback, the inventory on H2. */
class CollectorEndToEndTest {

    @TempDir
    Path dataDir;

    private PortfolioServer server;
    private Fleet fleet;

    @BeforeEach
    void startServer() throws Exception {
        server = startServer(AuthService.SIGN);
    }

    PortfolioServer startServer(AuthService service) throws Exception {
        PortfolioServer started = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0)
                .httpPort(-1).dataDirectory(dataDir.resolve("server-" + service)).fleetMasterKey(Fleet.MASTER_KEY)
                .collector(CollectorConfig.defaults().withService(service).withTimeouts(Duration.ofSeconds(2),
                        Duration.ofSeconds(3), Duration.ofMillis(100)))
                .build();
        started.inventory().replaceCertifications(new CertificationList(
                List.of(new Certification("Northwind Metering", "NW-E350", "3.4.1")), java.util.Set.of()));
        started.start();
        fleet = new Fleet(started, dataDir.resolve("clients"));
        return started;
    }

    @AfterEach
    void stop() {
        fleet.close();
        server.close();
    }

    @Test
    void a_certified_signing_device_becomes_compliant_with_its_host_identity_recorded() throws Exception {
        String endpoint = Fleet.newEndpoint("meter");
        fleet.start(fleet.client(endpoint, true), Fleet.HostSetup.certified("HDID-1"));

        DeviceDetail device = awaitVerdict(endpoint);

        assertThat(device.summary().lastVerification().outcome()).as(device.summary().lastVerification().reason())
                .isEqualTo(VerificationOutcome.VERIFIED);
        assertThat(device.summary().state()).isEqualTo(ComplianceState.COMPLIANT);
        assertThat(device.summary().host().manufacturer()).isEqualTo("Northwind Metering");
        assertThat(device.summary().host().uniqueId()).isEqualTo("HDID-1");
        assertThat(device.portfolios()).hasSize(1);
        assertThat(device.portfolios().get(0).linkedFromDevice()).isTrue();
        assertThat(device.extDevInfoPresent()).isTrue();
        assertThat(device.summary().lastVerification().claimsJson()).contains("Northwind Metering");
        JsonNode firstClaims = device.summary().lastVerification().claims().get(0);
        assertThat(firstClaims.get("endpoint").asText()).isEqualTo(endpoint);
        assertThat(firstClaims.get("path").asText()).isEqualTo("/16/0");
        assertThat(firstClaims.get("certificateSubject").asText()).contains("CN=" + endpoint);
        assertThat(firstClaims.get("certificateIssuer").asText()).isNotBlank();
    }

    @Test
    void a_host_that_is_not_certified_is_uncertified_even_when_verified() throws Exception {
        String endpoint = Fleet.newEndpoint("meter");
        fleet.start(fleet.client(endpoint, true), client -> client.hostDevice().setManufacturer("Initech Energy")
                .setModel("IE-Charger-22").setSoftwareVersion("0.9.1").setUniqueId("HDID-2"));

        DeviceDetail device = awaitVerdict(endpoint);

        assertThat(device.summary().lastVerification().outcome()).isEqualTo(VerificationOutcome.VERIFIED);
        assertThat(device.summary().state()).isEqualTo(ComplianceState.UNCERTIFIED);
    }

    @Test
    void an_identity_only_device_is_collected_and_unverified_not_failed() throws Exception {
        String endpoint = Fleet.newEndpoint("legacy");
        fleet.start(fleet.client(endpoint, true).identityOnly(), Fleet.HostSetup.certified("HDID-3"));

        DeviceDetail device = awaitVerdict(endpoint);

        assertThat(device.summary().lastVerification().outcome()).isEqualTo(VerificationOutcome.NOT_SUPPORTED);
        assertThat(device.summary().state()).isEqualTo(ComplianceState.UNVERIFIED);
        assertThat(device.summary().host().model()).isEqualTo("NW-E350");
    }

    @Test
    void a_device_signing_with_an_untrusted_key_fails_verification_with_the_reason() throws Exception {
        String endpoint = Fleet.newEndpoint("rogue");
        fleet.start(fleet.client(endpoint, false), Fleet.HostSetup.certified("HDID-4"));

        DeviceDetail device = awaitVerdict(endpoint);

        Verification verification = device.summary().lastVerification();
        assertThat(verification.outcome()).isEqualTo(VerificationOutcome.FAILED);
        assertThat(verification.reason()).contains("UNTRUSTED_SIGNER");
        assertThat(device.summary().state()).isEqualTo(ComplianceState.UNVERIFIED);
    }

    @Test
    void a_device_without_host_instance_has_no_portfolio() throws Exception {
        String endpoint = Fleet.newEndpoint("bare");
        java.util.concurrent.CountDownLatch collected = new java.util.concurrent.CountDownLatch(1);
        try (AutoCloseable events = server.events().subscribe(event -> {
            if (event.type().equals("collected") && event.endpoint().equals(endpoint)) {
                collected.countDown();
            }
        })) {
            fleet.start(fleet.client(endpoint, true), Fleet.HostSetup.none());

            assertThat(collected.await(10, TimeUnit.SECONDS)).isTrue();
        }
        DeviceDetail device = server.inventory().device(endpoint).orElseThrow();
        // /3/0/22 is there, but links no Portfolio instance: no portfolio, as the README defines it.
        assertThat(device.extDevInfoPresent()).isFalse();
        assertThat(device.summary().state()).isEqualTo(ComplianceState.NO_PORTFOLIO);
        assertThat(device.summary().reason()).isEqualTo("no ExtDevInfo link (/3/0/22) to a Portfolio instance");
    }

    @Test
    void a_host_instance_without_values_is_uncertified_with_the_reason() throws Exception {
        // A client started without --host-*: object 16, the /3/0/22 link, a host instance with no values.
        String endpoint = Fleet.newEndpoint("blank");
        fleet.start(fleet.client(endpoint, false), client -> client.hostDevice().instanceId());

        DeviceDetail device = awaitVerdict(endpoint);

        assertThat(device.extDevInfoPresent()).isTrue();
        assertThat(device.summary().state()).isEqualTo(ComplianceState.UNCERTIFIED);
        assertThat(device.summary().reason()).startsWith("the host reported no manufacturer, model or software "
                + "version, so no certification record can match");
    }

    @Test
    void mac_and_encrypt_verify_with_the_fleet_master_key() throws Exception {
        for (AuthService service : List.of(AuthService.MAC, AuthService.ENCRYPT)) {
            fleet.close();
            server.close();
            server = startServer(service);
            String endpoint = Fleet.newEndpoint(service.argument());
            fleet.start(fleet.client(endpoint, false), Fleet.HostSetup.certified("HDID-5"));

            DeviceDetail device = awaitVerdict(endpoint);

            assertThat(device.summary().lastVerification().outcome()).as(device.summary().lastVerification().reason())
                    .isEqualTo(VerificationOutcome.VERIFIED);
            assertThat(device.summary().lastVerification().service()).isEqualTo(service.argument());
            assertThat(device.summary().state()).isEqualTo(ComplianceState.COMPLIANT);
        }
    }

    @Test
    void a_dtls_psk_device_with_credentials_in_the_database_is_collected() throws Exception {
        String endpoint = Fleet.newEndpoint("secure");
        fleet.start(fleet.pskClient(endpoint), Fleet.HostSetup.certified("HDID-6"));

        DeviceDetail device = awaitVerdict(endpoint);

        assertThat(device.summary().state()).isEqualTo(ComplianceState.COMPLIANT);
    }

    @Test
    void a_host_software_update_reaches_the_history_when_it_happens() throws Exception {
        String endpoint = Fleet.newEndpoint("meter");
        PortfolioClient client = fleet.start(fleet.client(endpoint, true), Fleet.HostSetup.certified("HDID-7"));
        awaitVerdict(endpoint);

        client.hostDevice().setSoftwareVersion("3.5.0");

        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            DeviceDetail device = server.inventory().device(endpoint).orElseThrow();
            assertThat(device.summary().host().softwareVersion()).isEqualTo("3.5.0");
            assertThat(device.history()).anySatisfy(change -> {
                assertThat(change.identityId()).isEqualTo(3);
                assertThat(change.oldValue()).isEqualTo("3.4.1");
                assertThat(change.newValue()).isEqualTo("3.5.0");
            });
            assertThat(device.summary().state()).isEqualTo(ComplianceState.UNCERTIFIED);
        });
    }

    @Test
    void a_new_instance_changes_the_object_links_and_is_collected() throws Exception {
        String endpoint = Fleet.newEndpoint("meter");
        PortfolioClient client = fleet.start(fleet.client(endpoint, true), Fleet.HostSetup.certified("HDID-8"));
        awaitVerdict(endpoint);

        client.portfolios().create("3/0", Map.of(0, "battery pack BP-2"), false);

        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(
                server.inventory().device(endpoint).orElseThrow().portfolios()).hasSize(2));
    }

    @Test
    void verify_now_runs_a_fresh_challenge_and_a_replayed_counter_cannot_pass() throws Exception {
        String endpoint = Fleet.newEndpoint("meter");
        fleet.start(fleet.client(endpoint, true), Fleet.HostSetup.certified("HDID-9"));
        awaitVerdict(endpoint);
        long before = server.inventory().lastAcceptedCounter(endpoint);

        Verification again = server.collector().verifyNow(endpoint).get(20, TimeUnit.SECONDS);

        assertThat(again.outcome()).as(again.reason()).isEqualTo(VerificationOutcome.VERIFIED);
        assertThat(server.inventory().lastAcceptedCounter(endpoint)).isGreaterThan(before);
    }

    @Test
    void a_device_that_stopped_answering_is_recorded_unreachable_and_the_collector_goes_on() throws Exception {
        String silent = Fleet.newEndpoint("silent");
        PortfolioClient client = fleet.start(fleet.client(silent, true), Fleet.HostSetup.certified("HDID-10"));
        awaitVerdict(silent);
        client.leshanClient().stop(false); // gone without deregistering

        Verification verdict = server.collector().verifyNow(silent).get(30, TimeUnit.SECONDS);
        assertThat(verdict.outcome()).isEqualTo(VerificationOutcome.UNREACHABLE);
        assertThat(verdict.reason()).contains("no answer");

        String other = Fleet.newEndpoint("meter");
        fleet.start(fleet.client(other, true), Fleet.HostSetup.certified("HDID-11"));
        assertThat(awaitVerdict(other).summary().state()).isEqualTo(ComplianceState.COMPLIANT);
    }

    @Test
    void a_deregistered_device_is_kept_offline() throws Exception {
        String endpoint = Fleet.newEndpoint("meter");
        PortfolioClient client = fleet.start(fleet.client(endpoint, true), Fleet.HostSetup.certified("HDID-12"));
        awaitVerdict(endpoint);

        client.stop(true);

        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(
                server.inventory().device(endpoint).orElseThrow().summary().online()).isFalse());
        assertThat(server.collector().verifyNow(endpoint)).failsWithin(Duration.ofSeconds(5));
    }

    private DeviceDetail awaitVerdict(String endpoint) {
        await().atMost(15, TimeUnit.SECONDS).until(() -> server.inventory().device(endpoint)
                .map(d -> d.summary().lastVerification() != null).orElse(false));
        return server.inventory().device(endpoint).orElseThrow();
    }
}
