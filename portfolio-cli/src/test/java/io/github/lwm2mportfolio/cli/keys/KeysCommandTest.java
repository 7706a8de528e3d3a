package io.github.lwm2mportfolio.cli.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.cli.PortfolioCommand;
import io.github.lwm2mportfolio.core.keys.KeySource;
import io.github.lwm2mportfolio.core.keys.Pem;
import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import io.github.lwm2mportfolio.core.keys.SigningKey;
import picocli.CommandLine;

class KeysCommandTest {

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int code = commandLine.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        return Pem.certificates(Files.readAllBytes(pem)).get(0);
    }

    @Test
    void a_fleet_ca_is_a_p256_ca_certificate_and_a_key_store_whose_password_only_its_owner_reads() throws Exception {
        Path ca = dir.resolve("ca");

        Run run = run("keys", "ca", "--out", ca.toString(), "--name", "Acme fleet CA", "--days", "30");

        assertThat(run.exitCode()).as(run.err()).isZero();
        X509Certificate certificate = certificate(ca.resolve("ca.pem"));
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=Acme fleet CA");
        assertThat(certificate.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(mode(ca)).isEqualTo("rwx------");
        assertThat(mode(ca.resolve("ca.p12"))).isEqualTo("rw-------");
        assertThat(mode(ca.resolve("ca.password"))).isEqualTo("rw-------");
        char[] password = Files.readString(ca.resolve("ca.password")).strip().toCharArray();
        SigningKey key = Pkcs12KeySource.open(ca.resolve("ca.p12"), password).signingKey("ca");
        assertThat(key.chain()).containsExactly(certificate);
    }

    @Test
    void an_existing_ca_is_never_replaced() {
        Path ca = dir.resolve("ca");
        assertThat(run("keys", "ca", "--out", ca.toString()).exitCode()).isZero();

        Run again = run("keys", "ca", "--out", ca.toString());

        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains(ca.resolve("ca.p12") + " exists already; it is never replaced");
    }

    @Test
    void a_ca_password_file_that_others_may_read_is_refused_by_name() throws Exception {
        Path passwordFile = dir.resolve("pw");
        Files.writeString(passwordFile, "secret\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-r--r--"));

        Run run = run("keys", "ca", "--out", dir.resolve("ca").toString(), "--password-file", passwordFile.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(passwordFile + " holds a secret but others may read it (mode rw-r--r--)",
                "chmod 600 " + passwordFile);
        assertThat(dir.resolve("ca")).doesNotExist();
    }

    @Test
    void a_device_gets_a_key_store_and_a_certificate_naming_its_endpoint_signed_by_the_ca() throws Exception {
        Path ca = dir.resolve("ca");
        Path device = dir.resolve("meter-1");
        Path secret = dir.resolve("fleet.secret");
        run("keys", "ca", "--out", ca.toString());
        assertThat(run("keys", "fleet-secret", "--out", secret.toString()).exitCode()).isZero();

        Run run = run("keys", "device", "--ca", ca.toString(), "--endpoint", "meter-1", "--out", device.toString(),
                "--fleet-secret-file", secret.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        X509Certificate caCertificate = certificate(ca.resolve("ca.pem"));
        List<X509Certificate> chain = Pem.certificates(Files.readAllBytes(device.resolve("device.pem")));
        assertThat(chain).hasSize(2).element(1).isEqualTo(caCertificate);
        X509Certificate leaf = chain.get(0);
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=meter-1");
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        leaf.verify(caCertificate.getPublicKey());
        assertThat(mode(device)).isEqualTo("rwx------");
        assertThat(mode(device.resolve("keys.p12"))).isEqualTo("rw-------");
        assertThat(mode(device.resolve("keys.password"))).isEqualTo("rw-------");
        char[] password = Files.readString(device.resolve("keys.password")).strip().toCharArray();
        KeySource keys = Pkcs12KeySource.open(device.resolve("keys.p12"), password);
        assertThat(keys.signingKey("default").chain()).isEqualTo(chain);
        // derived from the fleet secret: opening with it finds nothing to warn about, and the bytes match
        byte[] master = java.util.HexFormat.of().parseHex(Files.readString(secret).strip());
        assertThat(keys.macKey("default").getEncoded()).isEqualTo(io.github.lwm2mportfolio.core.auth.KeyDerivation
                .deriveDeviceKey(master, "meter-1", "mac", 32));
    }

    @Test
    void a_wrong_ca_password_is_a_one_line_runtime_failure() throws Exception {
        Path ca = dir.resolve("ca");
        run("keys", "ca", "--out", ca.toString());
        Path wrong = dir.resolve("wrong");
        Files.writeString(wrong, "not-it\n");
        Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));

        Run run = run("keys", "device", "--ca", ca.toString(), "--ca-password-file", wrong.toString(), "--endpoint",
                "meter-1", "--out", dir.resolve("meter-1").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("portfolio: wrong password for key store " + ca.resolve("ca.p12") + "\n");
        assertThat(dir.resolve("meter-1").resolve("keys.p12")).doesNotExist();
    }

    @Test
    void a_missing_ca_says_how_to_make_one() {
        Run run = run("keys", "device", "--ca", dir.resolve("none").toString(), "--endpoint", "m", "--out",
                dir.resolve("m").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--ca " + dir.resolve("none") + ": not found", "portfolio keys ca --out");
    }

    @Test
    void a_csr_signed_by_the_ca_certifies_the_key_that_stayed_in_the_device_store() throws Exception {
        Path ca = dir.resolve("ca");
        Path device = dir.resolve("meter-2");
        Path csr = dir.resolve("meter-2.csr");
        run("keys", "ca", "--out", ca.toString());

        Run request = run("keys", "csr", "--data", device.toString(), "--endpoint", "meter-2", "--out", csr.toString());
        Run signed = run("keys", "sign-csr", "--ca", ca.toString(), "--csr", csr.toString(), "--out",
                device.resolve("device.pem").toString());

        assertThat(request.exitCode()).as(request.err()).isZero();
        assertThat(signed.exitCode()).as(signed.err()).isZero();
        assertThat(Files.readString(csr)).startsWith("-----BEGIN CERTIFICATE REQUEST-----");
        KeySource keys = KeyFiles.open(null, device, "meter-2", null);
        SigningKey key = keys.signingKey("default");
        assertThat(key.chain()).hasSize(2);
        assertThat(key.chain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=meter-2");
        assertThat(key.chain().get(1)).isEqualTo(certificate(ca.resolve("ca.pem")));
        // the certificate holds the public key of the private key that never left keys.p12
        java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
        signer.initSign(key.key());
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        java.security.Signature verifier = java.security.Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(key.chain().get(0).getPublicKey());
        verifier.update(new byte[] {1, 2, 3});
        assertThat(verifier.verify(signature)).isTrue();
    }

    @Test
    void an_altered_csr_is_refused() throws Exception {
        Path ca = dir.resolve("ca");
        Path csr = dir.resolve("x.csr");
        run("keys", "ca", "--out", ca.toString());
        run("keys", "csr", "--data", dir.resolve("x").toString(), "--endpoint", "meter-3", "--out", csr.toString());
        var request = Pem.certificationRequest(Files.readAllBytes(csr));
        byte[] der = request.getEncoded();
        der[der.length - 5] ^= 1; // inside the signature
        Files.write(csr, der);

        Run run = run("keys", "sign-csr", "--ca", ca.toString(), "--csr", csr.toString(), "--out",
                dir.resolve("x.pem").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("its signature does not verify");
        assertThat(dir.resolve("x.pem")).doesNotExist();
    }

    @Test
    void a_certificate_from_another_key_is_refused_when_the_device_keys_open() throws Exception {
        Path ca = dir.resolve("ca");
        run("keys", "ca", "--out", ca.toString());
        run("keys", "device", "--ca", ca.toString(), "--endpoint", "a", "--out", dir.resolve("a").toString());
        run("keys", "csr", "--data", dir.resolve("b").toString(), "--endpoint", "b", "--out",
                dir.resolve("b.csr").toString());
        Files.copy(dir.resolve("a").resolve("device.pem"), dir.resolve("b").resolve("device.pem"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KeyFiles.open(null, dir.resolve("b"), "b", null).signingKey("default"))
                .hasMessageContaining("device.pem does not certify the signing key 'default'");
    }

    @Test
    void show_prints_subject_issuer_validity_key_type_and_fingerprint_of_pem_p12_and_csr() throws Exception {
        Path ca = dir.resolve("ca");
        run("keys", "ca", "--out", ca.toString(), "--name", "Show CA");
        run("keys", "device", "--ca", ca.toString(), "--endpoint", "meter-4", "--out", dir.resolve("d").toString());
        run("keys", "csr", "--data", dir.resolve("e").toString(), "--endpoint", "meter-5", "--out",
                dir.resolve("e.csr").toString());
        byte[] der = certificate(ca.resolve("ca.pem")).getEncoded();
        String fingerprint = Fingerprints.sha256(der);

        Run pem = run("keys", "show", ca.resolve("ca.pem").toString());
        Run p12 = run("keys", "show", dir.resolve("d").resolve("keys.p12").toString());
        Run csr = run("keys", "show", dir.resolve("e.csr").toString());

        assertThat(pem.out()).contains("subject:     CN=Show CA", "issuer:      CN=Show CA", "key:         EC P-256, CA",
                "SHA-256:     " + fingerprint, "valid:");
        assertThat(fingerprint).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(p12.exitCode()).as(p12.err()).isZero();
        assertThat(p12.out()).contains("key entry 'default': EC private key", "subject:     CN=meter-4",
                "issuer:      CN=Show CA", "secret entry 'default-mac': HmacSHA256 key (value not shown)");
        assertThat(csr.out()).contains("certification request", "subject:     CN=meter-5", "key:         EC P-256");
    }

    @Test
    void show_of_a_file_that_is_no_certificate_is_bad_usage() throws Exception {
        Path junk = dir.resolve("junk.pem");
        Files.writeString(junk, "hello", StandardCharsets.US_ASCII);

        Run run = run("keys", "show", junk.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(junk + ": ");
    }

    @Test
    void a_fleet_secret_is_32_random_bytes_in_hex_readable_by_its_owner_only() throws Exception {
        Path secret = dir.resolve("s").resolve("fleet.secret");

        assertThat(run("keys", "fleet-secret", "--out", secret.toString()).exitCode()).isZero();

        assertThat(Files.readString(secret)).matches("[0-9a-f]{64}\n");
        assertThat(mode(secret)).isEqualTo("rw-------");
        assertThat(mode(secret.getParent())).isEqualTo("rwx------");
        assertThat(run("keys", "fleet-secret", "--out", secret.toString()).exitCode()).isEqualTo(2);
    }

    @Test
    void fleet_secrets_by_key_id_provision_devices_with_the_newest_and_rotate_them() throws Exception {
        Path ca = dir.resolve("ca");
        Path secrets = dir.resolve("fleet.secrets");
        Path device = dir.resolve("meter-9");
        run("keys", "ca", "--out", ca.toString());
        assertThat(run("keys", "fleet-secret", "--out", secrets.toString(), "--key-id", "2026a").exitCode()).isZero();
        assertThat(run("keys", "fleet-secret", "--out", secrets.toString(), "--key-id", "2026b").exitCode()).isZero();
        KeysCommandTest.Run twice = run("keys", "fleet-secret", "--out", secrets.toString(), "--key-id", "2026b");

        assertThat(twice.exitCode()).isEqualTo(2);
        assertThat(twice.err()).contains("has key id 2026b already");
        assertThat(Files.readString(secrets)).matches("2026a [0-9a-f]{64}\n2026b [0-9a-f]{64}\n");
        assertThat(mode(secrets)).isEqualTo("rw-------");

        assertThat(run("keys", "device", "--ca", ca.toString(), "--endpoint", "meter-9", "--out", device.toString(),
                "--fleet-secret-file", secrets.toString()).exitCode()).isZero();
        KeySource provisioned = KeyFiles.open(null, device, "meter-9", null);
        assertThat(provisioned.defaultKeyId()).isEqualTo("2026b");
        assertThat(provisioned.macKey("2026b").getEncoded()).isEqualTo(derivedMac(secrets, "2026b", "meter-9"));

        run("keys", "fleet-secret", "--out", secrets.toString(), "--key-id", "2026c");
        KeysCommandTest.Run rotated = run("keys", "rotate-secret", "--data", device.toString(), "--endpoint",
                "meter-9", "--fleet-secret-file", secrets.toString());

        assertThat(rotated.exitCode()).as(rotated.err()).isZero();
        KeySource after = KeyFiles.open(null, device, "meter-9", null);
        assertThat(after.defaultKeyId()).isEqualTo("2026c");
        assertThat(after.macKey("2026c").getEncoded()).isEqualTo(derivedMac(secrets, "2026c", "meter-9"));
        assertThat(after.signingKey("2026c").chain()).isEqualTo(provisioned.signingKey("2026b").chain());
        assertThat(mode(device.resolve("keys.p12"))).isEqualTo("rw-------");
    }

    private static byte[] derivedMac(Path secrets, String keyId, String endpoint) throws Exception {
        String line = Files.readAllLines(secrets).stream().filter(l -> l.startsWith(keyId + " ")).findFirst()
                .orElseThrow();
        return io.github.lwm2mportfolio.core.auth.KeyDerivation.deriveDeviceKey(
                java.util.HexFormat.of().parseHex(line.split(" ")[1]), endpoint, "mac", 32);
    }
}
