package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.leshan.client.observer.LwM2mClientObserver;
import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.peer.LwM2mIdentity;
import org.eclipse.leshan.core.peer.RpkIdentity;
import org.eclipse.leshan.core.peer.X509Identity;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.ClientSecurity;
import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.client.testing.TestCertificates;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.Revocations;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.DeviceCredential;
import io.github.lwm2mportfolio.server.inventory.DeviceDetail;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;
import io.github.lwm2mportfolio.server.registration.RawRegistrations;

/**
 * Devices with RPK and X.509 credentials against our server over DTLS: the server's own identity, its trust
 * directory and the credentials in its database decide who registers.
 */
class DtlsCredentialsTest {

    /** Long enough for the refused client's handshake, registration and the server's reaction on loopback. */
    private static final Duration REFUSAL_WINDOW = Duration.ofSeconds(2);

    @TempDir
    Path dataDir;

    private final TestCertificates fleetCa = new TestCertificates("fleet device CA");
    private PortfolioServer server;
    private Fleet fleet;

    @BeforeEach
    void startServer() throws Exception {
        Path trust = dataDir.resolve("trust");
        fleetCa.writeCaPem(trust.resolve("fleet-ca.pem"));
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(-1)
                .dataDirectory(dataDir.resolve("server")).trustDirectory(trust)
                .collector(CollectorConfig.defaults().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3),
                        Duration.ofMillis(100)))
                .build();
        server.inventory().replaceCertifications(new CertificationList(
                List.of(new Certification("Northwind Metering", "NW-E350", "3.4.1")), Set.of()));
        server.start();
        fleet = new Fleet(server, dataDir.resolve("clients"));
    }

    @AfterEach
    void stop() {
        fleet.close();
        server.close();
    }

    @Test
    void a_device_with_an_rpk_in_the_database_registers_and_ends_compliant() throws Exception {
        String endpoint = Fleet.newEndpoint("rpk");
        KeyPair keys = TestCertificates.newEcKeyPair();
        storeRpk(endpoint, keys.getPublic());

        fleet.start(fleet.rpkClient(endpoint, keys), Fleet.HostSetup.certified("HDID-RPK"));

        assertCompliant(awaitVerdict(endpoint));
        assertThat(dtlsIdentity(endpoint)).isEqualTo(new RpkIdentity(keys.getPublic()));
        assertThat(dataDir.resolve("server").resolve("server-identity.p12")).isNotEmptyFile();
    }

    @Test
    void a_device_with_a_certificate_of_a_trusted_ca_registers_and_ends_compliant() throws Exception {
        String endpoint = Fleet.newEndpoint("x509");

        fleet.start(fleet.x509Client(endpoint, fleetCa), Fleet.HostSetup.certified("HDID-X509"));

        assertCompliant(awaitVerdict(endpoint));
        assertThat(dtlsIdentity(endpoint)).isEqualTo(new X509Identity(endpoint));
    }

    @Test
    void a_device_with_a_certificate_of_a_trusted_ca_needs_no_credential_in_the_database() throws Exception {
        String endpoint = Fleet.newEndpoint("x509-fleet");

        fleet.start(x509ClientWithoutCredential(endpoint, endpoint), Fleet.HostSetup.certified("HDID-X509-F"));

        assertCompliant(awaitVerdict(endpoint));
        assertThat(dtlsIdentity(endpoint)).isEqualTo(new X509Identity(endpoint));
        assertThat(server.inventory().credential(endpoint)).isEmpty();
    }

    @Test
    void a_trusted_certificate_that_names_another_endpoint_is_refused_with_the_reason_and_logged() throws Exception {
        String endpoint = Fleet.newEndpoint("x509-borrowed");
        BlockingQueue<String> refusals = new LinkedBlockingQueue<>();
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            fleet.start(x509ClientWithoutCredential(endpoint, "someone-else"),
                    Fleet.HostSetup.certified("HDID-X509-B"), refusalMessages(refusals));

            assertThat(refusals.poll(10, TimeUnit.SECONDS)).as("the answer to the registration")
                    .isEqualTo("FORBIDDEN(403): the certificate names 'someone-else', not this endpoint");
        } finally {
            System.setErr(original);
        }
        assertNeverOnline(endpoint);
        assertThat(log.toString(StandardCharsets.UTF_8)).containsOnlyOnce("registration of " + endpoint + " from ")
                .containsPattern("WARN .*registration of " + endpoint + " from /127\\.0\\.0\\.1:\\d+ refused "
                        + "\\(4\\.03\\): the certificate names 'someone-else', not this endpoint");
    }

    @Test
    void an_endpoint_that_registered_over_dtls_is_refused_over_plain_coap_until_the_device_is_removed()
            throws Exception {
        String endpoint = Fleet.newEndpoint("x509-spoofed");
        PortfolioClient device = fleet.start(x509ClientWithoutCredential(endpoint, endpoint),
                Fleet.HostSetup.certified("HDID-X509-S"));
        assertCompliant(awaitVerdict(endpoint));
        Registration registered = server.lwm2mServer().getRegistrationService().getByEndpoint(endpoint);

        try (RawRegistrations spoofer = new RawRegistrations(server.coapUri(), InetAddress.getLoopbackAddress())) {
            CoapResponse answer = spoofer.register(endpoint, "300", "</3/0>,</16/0>");

            assertThat(answer.getCode()).isEqualTo(CoAP.ResponseCode.FORBIDDEN);
            assertThat(answer.getResponseText())
                    .isEqualTo("endpoint has registered over DTLS before: register over CoAPS");
            Registration now = server.lwm2mServer().getRegistrationService().getByEndpoint(endpoint);
            assertThat(now.getId()).as("the device's own registration").isEqualTo(registered.getId());
            assertThat(((IpPeer) now.getClientTransportData()).isSecure()).isTrue();
            assertThat(dtlsIdentity(endpoint)).isEqualTo(new X509Identity(endpoint));
            assertThat(server.inventory().device(endpoint).orElseThrow().summary().state())
                    .isEqualTo(ComplianceState.COMPLIANT);

            // gone, it is still remembered; removing the device forgets it
            device.close();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> server.lwm2mServer().getRegistrationService().getByEndpoint(endpoint) == null);
            assertThat(spoofer.register(endpoint, "300", "</3/0>").getCode())
                    .isEqualTo(CoAP.ResponseCode.FORBIDDEN);
            assertThat(server.inventory().removeDevice(endpoint)).isTrue();
            assertThat(spoofer.register(endpoint, "300", "</3/0>").getCode()).isEqualTo(CoAP.ResponseCode.CREATED);
        }
    }

    @Test
    void a_device_whose_rpk_is_not_the_one_in_the_database_is_refused() throws Exception {
        String endpoint = Fleet.newEndpoint("rpk-rogue");
        storeRpk(endpoint, TestCertificates.newEcKeyPair().getPublic());
        BlockingQueue<ResponseCode> refusals = new LinkedBlockingQueue<>();

        fleet.start(fleet.rpkClient(endpoint, TestCertificates.newEcKeyPair()), Fleet.HostSetup.certified("HDID-R1"),
                refusals(refusals));

        assertRefused(endpoint, refusals);
    }

    @Test
    void a_device_with_an_rpk_and_no_credential_in_the_database_is_refused() throws Exception {
        String endpoint = Fleet.newEndpoint("rpk-unknown");
        BlockingQueue<ResponseCode> refusals = new LinkedBlockingQueue<>();

        fleet.start(fleet.rpkClient(endpoint, TestCertificates.newEcKeyPair()), Fleet.HostSetup.certified("HDID-R2"),
                refusals(refusals));

        assertRefused(endpoint, refusals);
    }

    @Test
    void a_device_with_a_certificate_of_a_ca_outside_the_trust_directory_never_registers() throws Exception {
        String endpoint = Fleet.newEndpoint("x509-rogue");
        BlockingQueue<Exception> handshakeFailures = new LinkedBlockingQueue<>();

        fleet.start(fleet.x509Client(endpoint, new TestCertificates("rogue CA")), Fleet.HostSetup.certified("HDID-R3"),
                new LwM2mClientObserverAdapter() {
                    @Override
                    public void onRegistrationFailure(LwM2mServer lwm2mServer, RegisterRequest request,
                            ResponseCode responseCode, String errorMessage, Exception cause) {
                        if (cause != null) {
                            handshakeFailures.add(cause);
                        }
                    }
                });

        assertThat(handshakeFailures.poll(10, TimeUnit.SECONDS)).as("a failed DTLS handshake")
                .hasStackTraceContaining("BAD_CERTIFICATE");
        assertNeverOnline(endpoint);
    }

    @Test
    void a_device_whose_certificate_is_revoked_fails_the_dtls_handshake() throws Exception {
        String endpoint = Fleet.newEndpoint("x509-revoked");
        TestCertificates.Credential device = fleetCa.client(endpoint);
        server.inventory().replaceRevocations(
                new Revocations(Set.of(device.certificate().getSerialNumber()), Set.of()));
        BlockingQueue<Exception> handshakeFailures = new LinkedBlockingQueue<>();

        fleet.start(fleet.client(endpoint, true).serverUri(server.coapsUri()).security(
                ClientSecurity.x509(device.certificate(), device.privateKey(), server.serverCertificate())),
                Fleet.HostSetup.certified("HDID-REV"), new LwM2mClientObserverAdapter() {
                    @Override
                    public void onRegistrationFailure(LwM2mServer lwm2mServer, RegisterRequest request,
                            ResponseCode responseCode, String errorMessage, Exception cause) {
                        if (cause != null) {
                            handshakeFailures.add(cause);
                        }
                    }
                });

        assertThat(handshakeFailures.poll(10, TimeUnit.SECONDS)).as("a failed DTLS handshake")
                .hasStackTraceContaining("CERTIFICATE_REVOKED");
        assertNeverOnline(endpoint);
    }

    private PortfolioClient.Builder x509ClientWithoutCredential(String endpoint, String certificateName)
            throws Exception {
        TestCertificates.Credential device = fleetCa.client(certificateName);
        return fleet.client(endpoint, true).serverUri(server.coapsUri()).security(
                ClientSecurity.x509(device.certificate(), device.privateKey(), server.serverCertificate()));
    }

    private static LwM2mClientObserver refusalMessages(BlockingQueue<String> answers) {
        return new LwM2mClientObserverAdapter() {
            @Override
            public void onRegistrationFailure(LwM2mServer lwm2mServer, RegisterRequest request,
                    ResponseCode responseCode, String errorMessage, Exception cause) {
                if (responseCode != null) {
                    answers.add(responseCode + ": " + errorMessage);
                }
            }
        };
    }

    private void storeRpk(String endpoint, PublicKey key) {
        server.inventory().putCredential(new DeviceCredential(endpoint, DeviceCredential.Kind.RPK, null,
                key.getEncoded()));
    }

    private static LwM2mClientObserver refusals(BlockingQueue<ResponseCode> codes) {
        return new LwM2mClientObserverAdapter() {
            @Override
            public void onRegistrationFailure(LwM2mServer lwm2mServer, RegisterRequest request,
                    ResponseCode responseCode, String errorMessage, Exception cause) {
                if (responseCode != null) {
                    codes.add(responseCode);
                }
            }
        };
    }

    /** The DTLS handshake succeeds (any RPK may shake hands); the registration itself is forbidden. */
    private void assertRefused(String endpoint, BlockingQueue<ResponseCode> refusals) throws InterruptedException {
        assertThat(refusals.poll(10, TimeUnit.SECONDS)).as("the answer to the registration")
                .isEqualTo(ResponseCode.FORBIDDEN);
        assertNeverOnline(endpoint);
    }

    private void assertNeverOnline(String endpoint) {
        await().during(REFUSAL_WINDOW).atMost(REFUSAL_WINDOW.plusSeconds(3)).until(() -> server.inventory()
                .device(endpoint).map(device -> !device.summary().online()).orElse(true));
        assertThat(server.lwm2mServer().getRegistrationService().getByEndpoint(endpoint)).isNull();
    }

    private LwM2mIdentity dtlsIdentity(String endpoint) {
        return server.lwm2mServer().getRegistrationService().getByEndpoint(endpoint).getClientTransportData()
                .getIdentity();
    }

    private static void assertCompliant(DeviceDetail device) {
        assertThat(device.summary().lastVerification().outcome()).as(device.summary().lastVerification().reason())
                .isEqualTo(VerificationOutcome.VERIFIED);
        assertThat(device.summary().state()).isEqualTo(ComplianceState.COMPLIANT);
        assertThat(device.summary().online()).isTrue();
    }

    private DeviceDetail awaitVerdict(String endpoint) {
        await().atMost(15, TimeUnit.SECONDS).until(() -> server.inventory().device(endpoint)
                .map(d -> d.summary().lastVerification() != null).orElse(false));
        return server.inventory().device(endpoint).orElseThrow();
    }
}
