package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.core.auth.KeyDerivation;
import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import io.github.lwm2mportfolio.core.keys.SelfSignedCertificates;
import io.github.lwm2mportfolio.core.keys.SigningKey;
import io.github.lwm2mportfolio.server.FleetSecrets;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * Rotating the fleet secret of mac AuthData: devices name their secret in the kid; while the old and the new are
 * listed both verify, once the old one's not-after has passed only the new one does.
 */
class FleetSecretRotationTest {

    private static final String OLD = HexFormat.of().formatHex(new byte[32]).replace('0', '1');
    private static final String NEW = HexFormat.of().formatHex(new byte[32]).replace('0', '2');

    @TempDir
    Path dataDir;

    private PortfolioServer server;
    private Fleet fleet;

    @BeforeEach
    void start() throws Exception {
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(-1)
                .dataDirectory(dataDir.resolve("server"))
                .collector(CollectorConfig.defaults().withService(AuthService.MAC)).build();
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
    void during_the_overlap_old_and_new_secrets_verify_then_only_the_new_one() throws Exception {
        String onOld = Fleet.newEndpoint("secret-old");
        String onNew = Fleet.newEndpoint("secret-new");
        server.keys().useFleetSecrets(secrets("2026a " + OLD + " " + Instant.now().plus(Duration.ofDays(7)),
                "2026b " + NEW));
        start(onOld, "2026a", OLD);
        start(onNew, "2026b", NEW);

        assertThat(awaitVerdict(onOld).outcome()).isEqualTo(VerificationOutcome.VERIFIED);
        assertThat(awaitVerdict(onNew).outcome()).isEqualTo(VerificationOutcome.VERIFIED);

        server.keys().useFleetSecrets(secrets("2026a " + OLD + " " + Instant.now().minus(Duration.ofSeconds(1)),
                "2026b " + NEW));
        Verification old = server.collector().verifyNow(onOld).get(30, TimeUnit.SECONDS);
        Verification current = server.collector().verifyNow(onNew).get(30, TimeUnit.SECONDS);

        assertThat(old.outcome()).isEqualTo(VerificationOutcome.FAILED);
        assertThat(old.reason()).contains("KEY_UNAVAILABLE");
        assertThat(current.outcome()).as(current.reason()).isEqualTo(VerificationOutcome.VERIFIED);
    }

    @Test
    void a_kid_that_names_no_listed_secret_is_refused() throws Exception {
        String endpoint = Fleet.newEndpoint("secret-unknown");
        server.keys().useFleetSecrets(secrets("2026b " + NEW));
        start(endpoint, "2025z", NEW);

        Verification verdict = awaitVerdict(endpoint);

        assertThat(verdict.outcome()).isEqualTo(VerificationOutcome.FAILED);
        assertThat(verdict.reason()).contains("KEY_UNAVAILABLE");
    }

    private static FleetSecrets secrets(String... lines) {
        return FleetSecrets.parse(List.of(lines), "test", Clock.systemUTC());
    }

    /** A device whose key store names its keys after the fleet secret {@code keyId}, derived from {@code hex}. */
    private PortfolioClient start(String endpoint, String keyId, String hex) throws Exception {
        byte[] master = HexFormat.of().parseHex(hex);
        var pair = SelfSignedCertificates.newP256KeyPair(new SecureRandom());
        var certificate = SelfSignedCertificates.create(pair, endpoint, Duration.ofDays(1), new SecureRandom());
        Path directory = dataDir.resolve("clients").resolve(endpoint);
        Pkcs12KeySource keys = Pkcs12KeySource.store(directory.resolve("keys.p12"), "pw".toCharArray(),
                new SigningKey(keyId, pair.getPrivate(), List.of(certificate)),
                new SecretKeySpec(KeyDerivation.deriveDeviceKey(master, endpoint, KeyDerivation.PURPOSE_MAC, 32),
                        "HmacSHA256"),
                new SecretKeySpec(KeyDerivation.deriveDeviceKey(master, endpoint, KeyDerivation.PURPOSE_ENCRYPT, 16),
                        "AES"));
        assertThat(keys.defaultKeyId()).isEqualTo(keyId);
        return fleet.start(PortfolioClient.builder(endpoint).serverUri(server.coapUri()).dataDirectory(directory)
                .keySource(keys).localAddress(InetAddress.getLoopbackAddress()),
                Fleet.HostSetup.certified("HDID-" + endpoint));
    }

    private Verification awaitVerdict(String endpoint) {
        await().atMost(15, TimeUnit.SECONDS).until(() -> server.inventory().device(endpoint)
                .map(d -> d.summary().lastVerification() != null).orElse(false));
        return server.inventory().device(endpoint).orElseThrow().summary().lastVerification();
    }
}
