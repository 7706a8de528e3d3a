package io.github.lwm2mportfolio.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.lwm2mportfolio.core.auth.KeyDerivation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.X509Certificate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Pkcs12KeySourceTest {

    private static final char[] PASSWORD = "correct horse".toCharArray();
    private static final byte[] MASTER = new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    @TempDir
    Path dir;

    @Test
    void first_open_creates_a_p256_key_with_a_self_signed_certificate_and_shared_keys() throws Exception {
        Path file = dir.resolve("sub/keys.p12");

        Pkcs12KeySource source = Pkcs12KeySource.openOrCreate(file, PASSWORD, "urn:dev:42", null);

        assertThat(file).isRegularFile();
        assertThat(source.defaultKeyId()).isEqualTo("default");
        SigningKey signing = source.signingKey("default");
        assertThat(signing.key()).isInstanceOf(ECPrivateKey.class);
        assertThat(((ECPrivateKey) signing.key()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        X509Certificate certificate = signing.chain().get(0);
        assertThat(signing.chain()).hasSize(1);
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=urn:dev:42");
        certificate.verify(certificate.getPublicKey());
        assertThat(certificate.getNotAfter().getTime() - certificate.getNotBefore().getTime())
                .isGreaterThan(9L * 365 * 24 * 3600 * 1000);
        assertThat(source.macKey("default").getEncoded()).hasSize(32);
        assertThat(source.encryptionKey("default").getEncoded()).hasSize(16);
        assertThat(source.encryptionKey("default").getAlgorithm()).isEqualTo("AES");
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void reopening_gives_the_same_keys() throws Exception {
        Path file = dir.resolve("keys.p12");
        Pkcs12KeySource created = Pkcs12KeySource.openOrCreate(file, PASSWORD, "ep", null);

        Pkcs12KeySource reopened = Pkcs12KeySource.openOrCreate(file, PASSWORD, "ep", null);

        assertThat(reopened.signingKey("default").key().getEncoded())
                .isEqualTo(created.signingKey("default").key().getEncoded());
        assertThat(reopened.signingKey("default").chain()).isEqualTo(created.signingKey("default").chain());
        assertThat(reopened.macKey("default").getEncoded()).isEqualTo(created.macKey("default").getEncoded());
        assertThat(reopened.macKey("default").getAlgorithm()).isEqualTo("HmacSHA256");
        assertThat(reopened.encryptionKey("default").getEncoded())
                .isEqualTo(created.encryptionKey("default").getEncoded());
        assertThat(reopened.encryptionKey("default").getAlgorithm()).isEqualTo("AES");
    }

    @Test
    void without_a_master_key_shared_keys_are_random_per_device() throws Exception {
        Pkcs12KeySource a = Pkcs12KeySource.openOrCreate(dir.resolve("a.p12"), PASSWORD, "ep", null);
        Pkcs12KeySource b = Pkcs12KeySource.openOrCreate(dir.resolve("b.p12"), PASSWORD, "ep", null);
        assertThat(a.macKey("default").getEncoded()).isNotEqualTo(b.macKey("default").getEncoded());
    }

    @Test
    void with_a_master_key_shared_keys_are_derived() throws Exception {
        Path file = dir.resolve("derived.p12");
        Pkcs12KeySource.openOrCreate(file, PASSWORD, "urn:dev:7", MASTER);

        Pkcs12KeySource reopened = Pkcs12KeySource.openOrCreate(file, PASSWORD, "urn:dev:7", MASTER);

        assertThat(reopened.macKey("default").getEncoded())
                .isEqualTo(KeyDerivation.deriveDeviceKey(MASTER, "urn:dev:7", "mac", 32));
        assertThat(reopened.encryptionKey("default").getEncoded())
                .isEqualTo(KeyDerivation.deriveDeviceKey(MASTER, "urn:dev:7", "encrypt", 16));
    }

    @Test
    void a_wrong_password_is_reported_with_the_path() throws Exception {
        Path file = dir.resolve("keys.p12");
        Pkcs12KeySource.openOrCreate(file, PASSWORD, "ep", null);

        KeyUnavailableException e = catchThrowableOfType(KeyUnavailableException.class,
                () -> Pkcs12KeySource.openOrCreate(file, "wrong".toCharArray(), "ep", null));

        assertThat(e.reason()).isEqualTo(KeyUnavailableException.Reason.WRONG_PASSWORD);
        assertThat(e).hasMessage("wrong password for key store " + file);
    }

    @Test
    void a_corrupt_file_is_reported_with_the_path() throws Exception {
        Path file = dir.resolve("corrupt.p12");
        Files.write(file, new byte[] {0x30, 0x03, 0x02, 0x01});

        KeyUnavailableException e = catchThrowableOfType(KeyUnavailableException.class,
                () -> Pkcs12KeySource.openOrCreate(file, PASSWORD, "ep", null));

        assertThat(e.reason()).isEqualTo(KeyUnavailableException.Reason.STORE_UNREADABLE);
        assertThat(e.getMessage()).startsWith("cannot read key store " + file);
        assertThat(file).hasBinaryContent(new byte[] {0x30, 0x03, 0x02, 0x01});
    }

    @Test
    void unknown_key_ids_are_not_found() throws Exception {
        Pkcs12KeySource source = Pkcs12KeySource.openOrCreate(dir.resolve("keys.p12"), PASSWORD, "ep", null);

        KeyUnavailableException e = catchThrowableOfType(KeyUnavailableException.class, () -> source.macKey("hsm"));

        assertThat(e.reason()).isEqualTo(KeyUnavailableException.Reason.NOT_FOUND);
        assertThat(e).hasMessage("no MAC key 'hsm-mac' in key store " + dir.resolve("keys.p12"));
        KeyUnavailableException wrongType = catchThrowableOfType(KeyUnavailableException.class,
                () -> source.signingKey("default-mac"));
        assertThat(wrongType.reason()).isEqualTo(KeyUnavailableException.Reason.WRONG_TYPE);
    }
}
