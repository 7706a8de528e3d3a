package io.github.lwm2mportfolio.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.testing.TestCertificates;

/** The server's DTLS identity: created once in the data directory, or the operator's PKCS#12. */
class ServerIdentityTest {

    @TempDir
    Path dir;

    @Test
    void is_created_on_first_start_and_kept_across_restarts() throws Exception {
        Path data = dir.resolve("data");
        PublicKey first;
        X509Certificate certificate;
        try (PortfolioServer server = builder(data).build()) {
            first = server.serverPublicKey();
            certificate = server.serverCertificate();
        }

        Path file = data.resolve("server-identity.p12");
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=lwm2m-portfolio server");
        assertThat(certificate.getPublicKey()).isEqualTo(first);
        assertThat(((ECPublicKey) first).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var listing = Files.list(data)) {
            assertThat(listing.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
        Path passwordFile = data.resolve("server-identity.p12.password");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
        String password = Files.readString(passwordFile).strip();
        assertThat(password).hasSize(43).isNotEqualTo("portfolio");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }

        try (PortfolioServer again = builder(data).build()) {
            assertThat(again.serverPublicKey()).isEqualTo(first);
            assertThat(again.serverCertificate()).isEqualTo(certificate);
        }
    }

    @Test
    void each_store_gets_its_own_password() throws Exception {
        builder(dir.resolve("one")).build().close();
        builder(dir.resolve("two")).build().close();

        assertThat(Files.readString(dir.resolve("one/server-identity.p12.password")))
                .isNotEqualTo(Files.readString(dir.resolve("two/server-identity.p12.password")));
    }

    @Test
    void a_store_of_the_old_fixed_password_is_resealed_with_a_generated_one() throws Exception {
        Path data = dir.resolve("data");
        PublicKey key;
        try (PortfolioServer server = builder(data).build()) {
            key = server.serverPublicKey();
        }
        Path file = data.resolve("server-identity.p12");
        Path passwordFile = data.resolve("server-identity.p12.password");
        char[] generated = Files.readString(passwordFile).strip().toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(file)) {
            store.load(in, generated);
        }
        char[] old = "portfolio".toCharArray();
        store.setKeyEntry("server", store.getKey("server", generated), old, store.getCertificateChain("server"));
        try (var out = Files.newOutputStream(file)) { // as an older version kept it
            store.store(out, old);
        }
        Files.delete(passwordFile);

        try (PortfolioServer server = builder(data).build()) {
            assertThat(server.serverPublicKey()).isEqualTo(key);
        }

        KeyStore resealed = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(file)) {
            resealed.load(in, Files.readString(passwordFile).strip().toCharArray());
        }
        assertThat(resealed.getCertificate("server").getPublicKey()).isEqualTo(key);
        assertThatThrownBy(() -> {
            try (var in = Files.newInputStream(file)) {
                KeyStore.getInstance("PKCS12").load(in, "portfolio".toCharArray());
            }
        }).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void a_wrong_password_stops_the_server_and_leaves_the_file_as_it_was() throws Exception {
        Path data = dir.resolve("data");
        builder(data).build().close();
        Path file = data.resolve("server-identity.p12");
        byte[] before = Files.readAllBytes(file);
        Files.writeString(data.resolve("server-identity.p12.password"), "not the password\n");

        assertThatThrownBy(() -> builder(data).build().close()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("password");

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void an_operator_identity_is_used_and_none_is_generated() throws Exception {
        TestCertificates ca = new TestCertificates("operator CA");
        TestCertificates.Credential identity = ca.server("lwm2m.example.net");
        Path p12 = writeP12(identity, ca.ca(), "operator secret");
        Path data = dir.resolve("data");

        try (PortfolioServer server = builder(data).serverIdentity(p12, "operator secret".toCharArray()).build()) {
            assertThat(server.serverCertificate()).isEqualTo(identity.certificate());
            assertThat(server.serverPublicKey()).isEqualTo(identity.certificate().getPublicKey());
        }
        assertThat(data.resolve("server-identity.p12")).doesNotExist();
    }

    @Test
    void an_operator_certificate_that_cannot_act_as_dtls_client_is_refused_with_the_reason() throws Exception {
        // The server's DTLS role is both: Californium would otherwise drop CoAPS with only a log line.
        TestCertificates ca = new TestCertificates("operator CA");
        Path p12 = writeP12(ca.issue("server only", KeyPurposeId.id_kp_serverAuth), ca.ca(), "pw");

        assertThatThrownBy(() -> builder(dir.resolve("data")).serverIdentity(p12, "pw".toCharArray()).build().close())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(p12.toString())
                .hasMessageContaining("clientAuth");
    }

    @Test
    void a_missing_operator_file_is_named() {
        Path missing = dir.resolve("nowhere.p12");

        assertThatThrownBy(() -> builder(dir.resolve("data")).serverIdentity(missing, "pw".toCharArray()).build()
                .close()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString());
    }

    private static PortfolioServer.Builder builder(Path data) {
        return PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(-1)
                .dataDirectory(data);
    }

    private Path writeP12(TestCertificates.Credential identity, X509Certificate ca, String password)
            throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("identity", identity.privateKey(), password.toCharArray(),
                new X509Certificate[] { identity.certificate(), ca });
        Path file = dir.resolve("operator-" + System.nanoTime() + ".p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
        return file;
    }
}
