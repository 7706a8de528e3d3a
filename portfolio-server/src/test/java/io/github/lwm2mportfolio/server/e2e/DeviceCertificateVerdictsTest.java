package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.core.keys.CertificateIssuer;
import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import io.github.lwm2mportfolio.core.keys.SelfSignedCertificates;
import io.github.lwm2mportfolio.core.keys.SigningKey;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.Revocations;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.DeviceDetail;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * Device certificates of a fleet CA that the server must not accept for sign AuthData: expired, from another
 * CA, naming another endpoint, revoked. Each leaves the device UNVERIFIED with the reason in its verdicts.
 */
class DeviceCertificateVerdictsTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dataDir;

    private final Authority fleetCa = new Authority("fleet CA");
    private PortfolioServer server;
    private Fleet fleet;

    /** A CA for the test: its key and its self-signed certificate. */
    private record Authority(KeyPair keys, X509Certificate certificate) {
        Authority(String name) {
            this(newKeys(), name);
        }

        private Authority(KeyPair keys, String name) {
            this(keys, issue(CertificateIssuer.commonName(name), keys, CertificateIssuer.commonName(name), keys,
                    Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)), true));
        }

        /** A device certificate CN={@code name} for {@code device}'s key, signed by this CA. */
        X509Certificate device(KeyPair device, String name, Instant notBefore, Instant notAfter) {
            return issue(CertificateIssuer.commonName(name), device, CertificateIssuer.nameOf(certificate), keys,
                    notBefore, notAfter, false);
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(-1)
                .dataDirectory(dataDir.resolve("server"))
                .collector(CollectorConfig.defaults().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3),
                        Duration.ofMillis(100)))
                .build();
        server.keys().trust(fleetCa.certificate());
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
    void a_certificate_of_the_fleet_ca_makes_the_device_compliant() throws Exception {
        String endpoint = Fleet.newEndpoint("cert-good");
        KeyPair keys = newKeys();

        start(endpoint, keys, fleetCa.device(keys, endpoint, Instant.now().minus(Duration.ofMinutes(5)),
                Instant.now().plus(Duration.ofDays(1))));

        DeviceDetail device = awaitVerdict(endpoint);
        assertThat(device.summary().lastVerification().outcome()).as(device.summary().lastVerification().reason())
                .isEqualTo(VerificationOutcome.VERIFIED);
        assertThat(device.summary().state()).isEqualTo(ComplianceState.COMPLIANT);
    }

    @Test
    void an_expired_certificate_leaves_the_device_unverified() throws Exception {
        String endpoint = Fleet.newEndpoint("cert-expired");
        KeyPair keys = newKeys();

        start(endpoint, keys, fleetCa.device(keys, endpoint, Instant.now().minus(Duration.ofDays(10)),
                Instant.now().minus(Duration.ofDays(1))));

        assertUnverified(endpoint, "UNTRUSTED_SIGNER", "expired");
    }

    @Test
    void a_certificate_of_another_ca_leaves_the_device_unverified() throws Exception {
        String endpoint = Fleet.newEndpoint("cert-other-ca");
        KeyPair keys = newKeys();

        start(endpoint, keys, new Authority("another CA").device(keys, endpoint,
                Instant.now().minus(Duration.ofMinutes(5)), Instant.now().plus(Duration.ofDays(1))));

        assertUnverified(endpoint, "UNTRUSTED_SIGNER", "not anchored in the trust anchors");
    }

    @Test
    void a_certificate_that_names_another_endpoint_leaves_the_device_unverified() throws Exception {
        String endpoint = Fleet.newEndpoint("cert-borrowed");
        KeyPair keys = newKeys();

        start(endpoint, keys, fleetCa.device(keys, "meter-of-someone-else", Instant.now().minus(Duration.ofMinutes(5)),
                Instant.now().plus(Duration.ofDays(1))));

        assertUnverified(endpoint, "OTHER_DEVICE", "does not name endpoint " + endpoint);
    }

    @Test
    void a_revoked_certificate_leaves_the_device_unverified_by_serial_number_or_fingerprint() throws Exception {
        String bySerial = Fleet.newEndpoint("cert-revoked");
        String byFingerprint = Fleet.newEndpoint("cert-revoked-fp");
        KeyPair keys = newKeys();
        KeyPair otherKeys = newKeys();
        X509Certificate serialRevoked = fleetCa.device(keys, bySerial, Instant.now().minus(Duration.ofMinutes(5)),
                Instant.now().plus(Duration.ofDays(1)));
        X509Certificate fingerprintRevoked = fleetCa.device(otherKeys, byFingerprint,
                Instant.now().minus(Duration.ofMinutes(5)), Instant.now().plus(Duration.ofDays(1)));
        String fingerprint = java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(fingerprintRevoked.getEncoded()));
        server.keys().revoke(Revocations.read(java.nio.file.Files.writeString(dataDir.resolve("revoked.txt"),
                "# revoked on 2026-12-04\n0x" + serialRevoked.getSerialNumber().toString(16) + "\n" + fingerprint
                        + "\n")));

        start(bySerial, keys, serialRevoked);
        start(byFingerprint, otherKeys, fingerprintRevoked);

        assertUnverified(bySerial, "UNTRUSTED_SIGNER", "is revoked: serial number "
                + serialRevoked.getSerialNumber().toString(16) + " is listed");
        assertUnverified(byFingerprint, "UNTRUSTED_SIGNER", "is revoked: SHA-256 fingerprint");
    }

    @Test
    void a_renewed_certificate_is_accepted_beside_the_old_one_then_alone_once_the_old_is_revoked() throws Exception {
        String endpoint = Fleet.newEndpoint("cert-rotated");
        KeyPair oldKeys = newKeys();
        KeyPair newKeys = newKeys();
        Instant from = Instant.now().minus(Duration.ofMinutes(5));
        X509Certificate old = fleetCa.device(oldKeys, endpoint, from, Instant.now().plus(Duration.ofDays(1)));
        X509Certificate renewed = fleetCa.device(newKeys, endpoint, from, Instant.now().plus(Duration.ofDays(30)));

        assertThat(verdictWith(endpoint, oldKeys, old).outcome()).isEqualTo(VerificationOutcome.VERIFIED);
        assertThat(verdictWith(endpoint, newKeys, renewed).outcome()).as("during the overlap")
                .isEqualTo(VerificationOutcome.VERIFIED);
        server.keys().revoke(new Revocations(Set.of(old.getSerialNumber()), Set.of()));
        Verification withOld = verdictWith(endpoint, oldKeys, old);
        Verification withRenewed = verdictWith(endpoint, newKeys, renewed);

        assertThat(withOld.outcome()).isEqualTo(VerificationOutcome.FAILED);
        assertThat(withOld.reason()).contains("is revoked");
        assertThat(withRenewed.outcome()).as(withRenewed.reason()).isEqualTo(VerificationOutcome.VERIFIED);
    }

    /** Runs the device with this key and certificate until the server's next verdict, and stops it. */
    private Verification verdictWith(String endpoint, KeyPair keys, X509Certificate certificate) throws Exception {
        Instant before = Instant.now();
        PortfolioClient client = start(endpoint, keys, certificate);
        try {
            await().atMost(15, TimeUnit.SECONDS).until(() -> server.inventory().device(endpoint)
                    .map(d -> d.summary().lastVerification() != null
                            && !d.summary().lastVerification().at().isBefore(before))
                    .orElse(false));
            return server.inventory().device(endpoint).orElseThrow().summary().lastVerification();
        } finally {
            client.close();
        }
    }

    private PortfolioClient start(String endpoint, KeyPair keys, X509Certificate certificate) throws Exception {
        Path directory = dataDir.resolve("clients").resolve(endpoint);
        Pkcs12KeySource source = Pkcs12KeySource.store(directory.resolve("keys.p12"), "pw".toCharArray(),
                new SigningKey("default", keys.getPrivate(), List.of(certificate)),
                new SecretKeySpec(new byte[32], "HmacSHA256"), new SecretKeySpec(new byte[16], "AES"));
        PortfolioClient.Builder builder = PortfolioClient.builder(endpoint).serverUri(server.coapUri())
                .dataDirectory(directory).keySource(source).localAddress(InetAddress.getLoopbackAddress());
        return fleet.start(builder, Fleet.HostSetup.certified("HDID-" + endpoint));
    }

    private void assertUnverified(String endpoint, String reason, String detail) {
        DeviceDetail device = awaitVerdict(endpoint);
        assertThat(device.summary().lastVerification().outcome()).isEqualTo(VerificationOutcome.FAILED);
        assertThat(device.summary().state()).isEqualTo(ComplianceState.UNVERIFIED);
        assertThat(device.verifications()).as("the device's verdicts").anySatisfy(verification -> assertThat(
                verification.reason()).contains(reason, detail));
    }

    private DeviceDetail awaitVerdict(String endpoint) {
        await().atMost(15, TimeUnit.SECONDS).until(() -> server.inventory().device(endpoint)
                .map(d -> d.summary().lastVerification() != null).orElse(false));
        return server.inventory().device(endpoint).orElseThrow();
    }

    private static KeyPair newKeys() {
        try {
            return SelfSignedCertificates.newP256KeyPair(RANDOM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate issue(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
            Instant notBefore, Instant notAfter, boolean ca) {
        try {
            return CertificateIssuer.issue(new CertificateIssuer.Terms(subject, CertificateIssuer.randomSerial(RANDOM),
                    notBefore, notAfter, ca), subjectKeys.getPublic(), issuer, issuerKeys.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
