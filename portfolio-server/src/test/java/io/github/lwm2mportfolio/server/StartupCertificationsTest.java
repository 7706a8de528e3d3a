package io.github.lwm2mportfolio.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.core.keys.CertificateIssuer;
import io.github.lwm2mportfolio.core.keys.SelfSignedCertificates;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;

/**
 * What the start-up files do to what the inventory keeps: {@code --certified FILE} replaces the list at each
 * start unless the list was last changed through the REST API; {@code --revoked FILE} adds to the kept
 * revocations. Each says so in the log with the counts.
 */
class StartupCertificationsTest {

    private static final Certification FROM_FILE = new Certification("Northwind", "NW-E350", "3.4.1");
    private static final Certification FROM_REST = new Certification("Added", "Through", "REST");

    @TempDir
    Path dir;

    @Test
    void the_startup_file_replaces_a_list_it_set_itself_and_says_so() throws Exception {
        PortfolioServer.Builder builder = builder(certifiedCsv());
        try (PortfolioServer first = builder.build()) {
            first.inventory().replaceCertifications(new CertificationList(List.of(FROM_REST), Set.of()));
        }

        String log = logOf(() -> {
            try (PortfolioServer again = builder.build()) {
                assertThat(again.inventory().certifications().records()).containsExactly(FROM_FILE);
                assertThat(again.inventory().certificationSource()).hasValueSatisfying(source -> {
                    assertThat(source.throughApi()).isFalse();
                    assertThat(source.changedBy()).startsWith("file ").endsWith("certified.csv");
                });
            }
        });

        assertThat(log).contains("INFO", "certifications: 1 records from ", "certified.csv replace the 1 stored ones");
    }

    @Test
    void the_startup_file_does_not_undo_a_list_changed_through_the_api_and_warns() throws Exception {
        PortfolioServer.Builder builder = builder(certifiedCsv());
        try (PortfolioServer first = builder.build()) {
            first.inventory().replaceCertifications(new CertificationList(List.of(FROM_FILE, FROM_REST), Set.of()),
                    "token 'ops'", true);
        }

        String log = logOf(() -> {
            try (PortfolioServer again = builder.build()) {
                assertThat(again.inventory().certifications().records()).containsExactlyInAnyOrder(FROM_FILE,
                        FROM_REST);
            }
        });

        assertThat(log).contains("WARN", "certifications: NOT applying the 1 records of ",
                "the 2 stored ones were changed through the REST API by token 'ops'",
                "run portfolio certifications replace ");
    }

    @Test
    void the_revoked_file_adds_to_the_kept_list_which_the_verifier_then_uses() throws Exception {
        Path revoked = Files.writeString(dir.resolve("revoked.txt"), "# from the CA\n0x0a\n");
        try (PortfolioServer first = builder(null).build()) {
            first.inventory().replaceRevocations(new Revocations(Set.of(BigInteger.ONE), Set.of()));
        }

        String log = logOf(() -> {
            try (PortfolioServer again = builder(null).revoked(Revocations.read(revoked)).build()) {
                assertThat(again.inventory().revocations().serials()).containsExactlyInAnyOrder(BigInteger.ONE,
                        BigInteger.TEN);
                again.inventory().replaceRevocations(new Revocations(Set.of(BigInteger.TWO), Set.of()));
                assertThat(again.keys().revocation(certificateWithSerial(BigInteger.TWO))).isPresent();
            }
        });

        assertThat(log).contains("revocations: 1 entries of the --revoked file added to the 1 stored ones: 2 in force");
    }

    private Path certifiedCsv() throws Exception {
        return Files.writeString(dir.resolve("certified.csv"), "manufacturer,model,software_version\n"
                + FROM_FILE.manufacturer() + "," + FROM_FILE.model() + "," + FROM_FILE.softwareVersion() + "\n");
    }

    private PortfolioServer.Builder builder(Path certified) {
        return PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(-1)
                .dataDirectory(dir.resolve("data")).certifiedCsv(certified);
    }

    private static X509Certificate certificateWithSerial(BigInteger serial) throws Exception {
        KeyPair keys = SelfSignedCertificates.newP256KeyPair(new SecureRandom());
        X500Name name = CertificateIssuer.commonName("revoked");
        return CertificateIssuer.issue(new CertificateIssuer.Terms(name, serial, Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(3600), false), keys.getPublic(), name, keys.getPrivate());
    }

    private interface Action {
        void run() throws Exception;
    }

    private static String logOf(Action action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return log.toString(StandardCharsets.UTF_8);
    }
}
