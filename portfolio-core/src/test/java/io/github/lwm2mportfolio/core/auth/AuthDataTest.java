package io.github.lwm2mportfolio.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lwm2mportfolio.core.cose.CoseAlgorithm;
import io.github.lwm2mportfolio.core.cose.CoseEncrypt0;
import io.github.lwm2mportfolio.core.cose.CoseHeaders;
import io.github.lwm2mportfolio.core.cose.CoseMac0;
import io.github.lwm2mportfolio.core.cose.CoseMessage;
import io.github.lwm2mportfolio.core.cose.CoseSign1;
import io.github.lwm2mportfolio.core.keys.KeySource;
import io.github.lwm2mportfolio.core.keys.KeyUnavailableException;
import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import io.github.lwm2mportfolio.core.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** AuthData made by {@link AuthDataMaker} and checked by {@link AuthDataVerifier}. */
class AuthDataTest {

    private static final byte[] MASTER = "fleet master key: 32 bytes long!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NONCE = {10, 11, 12, 13, 14, 15, 16, 17};
    private static final byte[] DEFAULT_KID = "default".getBytes(StandardCharsets.UTF_8);
    private static final long NOW = 1_750_000_000L;

    @TempDir
    static Path dir;

    private static Pkcs12KeySource device;
    private static X509Certificate deviceCertificate;
    private static X509Certificate otherCertificate;
    private static AuthDataMaker maker;
    private static final AuthDataVerifier VERIFIER = new AuthDataVerifier();

    @BeforeAll
    static void keys() throws Exception {
        device = Pkcs12KeySource.openOrCreate(dir.resolve("ep-1.p12"), "pw".toCharArray(), "ep-1", MASTER);
        deviceCertificate = device.signingKey("default").chain().get(0);
        otherCertificate = Pkcs12KeySource.openOrCreate(dir.resolve("other.p12"), "pw".toCharArray(), "ep-1", MASTER)
                .signingKey("default").chain().get(0);
        maker = new AuthDataMaker(device);
    }

    private static AuthClaims claims() {
        return new AuthClaims("ep-1", "/16/0", 1, "ACME", NONCE, NOW, 7);
    }

    private static Expectation expected() {
        return new Expectation("ep-1", "/16/0", 1, "ACME", NONCE, 6);
    }

    private static TestKeys serverKeys() {
        return new TestKeys(List.of(deviceCertificate), null, MASTER);
    }

    private static Verdict verify(byte[] authData) {
        return VERIFIER.verify(authData, expected(), serverKeys());
    }

    @ParameterizedTest
    @EnumSource(AuthService.class)
    void auth_data_of_each_service_is_accepted(AuthService service) throws Exception {
        byte[] authData = maker.make(claims(), service, null);

        Verdict verdict = verify(authData);

        assertThat(verdict.accepted()).as(verdict.message()).isTrue();
        assertThat(verdict.reason()).isEqualTo(Verdict.Reason.ACCEPTED);
        assertThat(verdict.service()).isEqualTo(service);
        assertThat(verdict.claims()).isEqualTo(claims());
    }

    @Test
    void headers_carry_alg_kid_and_chain_protected_and_only_the_iv_unprotected() throws Exception {
        CoseMessage signed = CoseSign1.parse(maker.make(claims(), AuthService.SIGN, "default"));
        assertThat(signed.algorithm()).isEqualTo(CoseAlgorithm.ES256);
        assertThat(signed.protectedHeaders().labels()).containsExactly(CoseHeaders.ALG, CoseHeaders.KID,
                CoseHeaders.X5CHAIN);
        assertThat(signed.protectedHeaders().kid()).contains(DEFAULT_KID);
        assertThat(signed.unprotectedHeaders().isEmpty()).isTrue();
        assertThat(signed.x5chain()).containsExactly(deviceCertificate);

        CoseMessage maced = CoseMac0.parse(maker.make(claims(), AuthService.MAC, null));
        assertThat(maced.algorithm()).isEqualTo(CoseAlgorithm.HMAC_256_256);
        assertThat(maced.protectedHeaders().labels()).containsExactly(CoseHeaders.ALG, CoseHeaders.KID);
        assertThat(maced.unprotectedHeaders().isEmpty()).isTrue();

        CoseMessage encrypted = CoseEncrypt0.parse(maker.make(claims(), AuthService.ENCRYPT, null));
        assertThat(encrypted.algorithm()).isEqualTo(CoseAlgorithm.A128GCM);
        assertThat(encrypted.unprotectedHeaders().labels()).containsExactly(CoseHeaders.IV);
    }

    @ParameterizedTest
    @EnumSource(AuthService.class)
    void a_flipped_byte_anywhere_is_refused(AuthService service) throws Exception {
        byte[] authData = maker.make(claims(), service, null);
        Set<Verdict.Reason> crypto = EnumSet.of(Verdict.Reason.MALFORMED, Verdict.Reason.KEY_UNAVAILABLE,
                Verdict.Reason.UNTRUSTED_SIGNER, Verdict.Reason.ALGORITHM_NOT_ALLOWED, Verdict.Reason.SERVICE_MISMATCH,
                Verdict.Reason.BAD_SIGNATURE, Verdict.Reason.BAD_MAC, Verdict.Reason.DECRYPTION_FAILED);
        for (int i = 0; i < authData.length; i++) {
            for (int mask : new int[] {0x01, 0x80}) {
                byte[] flipped = authData.clone();
                flipped[i] ^= (byte) mask;
                Verdict verdict = verify(flipped);
                assertThat(verdict.accepted()).as("byte %d ^ %x: %s", i, mask, verdict.message()).isFalse();
                assertThat(verdict.reason()).as("byte %d ^ %x: %s", i, mask, verdict.message()).isIn(crypto);
            }
        }
        byte[] lastFlipped = authData.clone();
        lastFlipped[lastFlipped.length - 1] ^= 1;
        Verdict verdict = verify(lastFlipped);
        switch (service) {
            case SIGN -> assertRejected(verdict, Verdict.Reason.BAD_SIGNATURE, "signature does not verify");
            case MAC -> assertRejected(verdict, Verdict.Reason.BAD_MAC, "MAC does not match");
            default -> assertRejected(verdict, Verdict.Reason.DECRYPTION_FAILED,
                    "decryption failed: authentication tag mismatch");
        }
    }

    @Test
    void a_wrong_key_fails_the_crypto_check() throws Exception {
        TestKeys otherFleet = new TestKeys(List.of(deviceCertificate), null, new byte[32]);
        assertRejected(VERIFIER.verify(maker.make(claims(), AuthService.MAC, null), expected(), otherFleet),
                Verdict.Reason.BAD_MAC, "MAC does not match");
        assertRejected(VERIFIER.verify(maker.make(claims(), AuthService.ENCRYPT, null), expected(), otherFleet),
                Verdict.Reason.DECRYPTION_FAILED, "decryption failed: authentication tag mismatch");
        TestKeys wrongPin = new TestKeys(List.of(), otherCertificate.getPublicKey(), MASTER);
        assertRejected(VERIFIER.verify(maker.make(claims(), AuthService.SIGN, null), expected(), wrongPin),
                Verdict.Reason.BAD_SIGNATURE, "signature does not verify");
    }

    @Test
    void a_pinned_key_is_used_instead_of_the_chain() throws Exception {
        TestKeys pinned = new TestKeys(List.of(), deviceCertificate.getPublicKey(), MASTER);
        assertThat(VERIFIER.verify(maker.make(claims(), AuthService.SIGN, null), expected(), pinned).accepted())
                .isTrue();
    }

    @ParameterizedTest
    @EnumSource(AuthService.class)
    void a_wrong_nonce_is_refused(AuthService service) throws Exception {
        AuthClaims other = new AuthClaims("ep-1", "/16/0", 1, "ACME", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, NOW, 7);
        assertRejected(verify(maker.make(other, service, null)), Verdict.Reason.NONCE_MISMATCH,
                "nonce does not match the one sent");
        AuthClaims none = new AuthClaims("ep-1", "/16/0", 1, "ACME", null, NOW, 7);
        assertRejected(verify(maker.make(none, service, null)), Verdict.Reason.NONCE_MISMATCH,
                "AuthData carries no nonce");
    }

    @Test
    void encrypt_without_a_nonce_is_accepted_when_none_was_sent() throws Exception {
        Expectation noNonce = new Expectation("ep-1", "/16/0", 1, "ACME", null, 6);
        AuthClaims none = new AuthClaims("ep-1", "/16/0", 1, "ACME", null, NOW, 7);
        assertThat(VERIFIER.verify(maker.make(none, AuthService.ENCRYPT, null), noNonce, serverKeys()).accepted())
                .isTrue();
        assertRejected(VERIFIER.verify(maker.make(claims(), AuthService.ENCRYPT, null), noNonce, serverKeys()),
                Verdict.Reason.NONCE_MISMATCH, "AuthData carries a nonce but none was sent");
    }

    @ParameterizedTest
    @EnumSource(AuthService.class)
    void claims_that_do_not_match_the_expectation_are_refused_each_with_its_reason(AuthService service)
            throws Exception {
        assertRejected(verify(maker.make(new AuthClaims("ep-2", "/16/0", 1, "ACME", NONCE, NOW, 7), service, null)),
                Verdict.Reason.ENDPOINT_MISMATCH, "endpoint is 'ep-2', expected 'ep-1'");
        assertRejected(verify(maker.make(new AuthClaims("ep-1", "/16/1", 1, "ACME", NONCE, NOW, 7), service, null)),
                Verdict.Reason.PATH_MISMATCH, "instance path is '/16/1', expected '/16/0'");
        assertRejected(verify(maker.make(new AuthClaims("ep-1", "/16/0", 2, "ACME", NONCE, NOW, 7), service, null)),
                Verdict.Reason.IDENTITY_ID_MISMATCH, "Identity instance ID is 2, expected 1");
        assertRejected(verify(maker.make(new AuthClaims("ep-1", "/16/0", 1, "ACME2", NONCE, NOW, 7), service, null)),
                Verdict.Reason.IDENTITY_VALUE_MISMATCH, "Identity value differs from the one the device reports");
        assertRejected(verify(maker.make(new AuthClaims("ep-1", "/16/0", 1, "ACME", NONCE, NOW, 6), service, null)),
                Verdict.Reason.REPLAYED_COUNTER, "counter 6 is not above the last accepted 6");
    }

    @Test
    void a_replayed_value_is_refused_once_its_counter_was_accepted() throws Exception {
        byte[] authData = maker.make(claims(), AuthService.MAC, null);
        Verdict first = verify(authData);
        assertThat(first.accepted()).isTrue();
        Expectation next = new Expectation("ep-1", "/16/0", 1, "ACME", NONCE, first.claims().counter());
        assertRejected(VERIFIER.verify(authData, next, serverKeys()), Verdict.Reason.REPLAYED_COUNTER,
                "counter 7 is not above the last accepted 7");
    }

    @Test
    void a_chain_not_anchored_in_the_trust_anchors_is_refused() throws Exception {
        TestKeys otherAnchor = new TestKeys(List.of(otherCertificate), null, MASTER);
        Verdict verdict = VERIFIER.verify(maker.make(claims(), AuthService.SIGN, null), expected(), otherAnchor);
        assertThat(verdict.reason()).isEqualTo(Verdict.Reason.UNTRUSTED_SIGNER);
        assertThat(verdict.message()).startsWith("certificate chain is not anchored in the trust anchors");
        assertRejected(VERIFIER.verify(maker.make(claims(), AuthService.SIGN, null), expected(),
                new TestKeys(List.of(), null, MASTER)), Verdict.Reason.UNTRUSTED_SIGNER, "no trust anchors are configured");
    }

    @Test
    void a_device_cannot_sign_for_another_endpoint() throws Exception {
        AuthClaims forEp2 = new AuthClaims("ep-2", "/16/0", 1, "ACME", NONCE, NOW, 7);
        Expectation ep2 = new Expectation("ep-2", "/16/0", 1, "ACME", NONCE, 6);
        assertRejected(VERIFIER.verify(maker.make(forEp2, AuthService.SIGN, null), ep2, serverKeys()),
                Verdict.Reason.OTHER_DEVICE, "certificate CN=ep-1 does not name endpoint ep-2");
        // With shared keys the server looks up ep-2's key, which ep-1 does not have.
        assertRejected(VERIFIER.verify(maker.make(forEp2, AuthService.MAC, null), ep2, serverKeys()),
                Verdict.Reason.BAD_MAC, "MAC does not match");
    }

    @Test
    void a_missing_key_a_wrong_service_or_a_weak_algorithm_is_refused() throws Exception {
        TestKeys otherKid = new TestKeys(List.of(deviceCertificate), null, MASTER, "other".getBytes(StandardCharsets.UTF_8));
        assertRejected(VERIFIER.verify(maker.make(claims(), AuthService.MAC, null), expected(), otherKid),
                Verdict.Reason.KEY_UNAVAILABLE, "no MAC key for endpoint ep-1");
        assertRejected(VERIFIER.verify(maker.make(claims(), AuthService.ENCRYPT, null), expected(), otherKid),
                Verdict.Reason.KEY_UNAVAILABLE, "no encryption key for endpoint ep-1");

        Expectation wantsSign = new Expectation("ep-1", "/16/0", 1, "ACME", NONCE, 6, AuthService.SIGN);
        assertRejected(VERIFIER.verify(maker.make(claims(), AuthService.MAC, null), wantsSign, serverKeys()),
                Verdict.Reason.SERVICE_MISMATCH, "AuthData was made with mac, the server asked for sign");

        byte[] truncatedMac = CoseMac0.mac(CoseAlgorithm.HMAC_256_64, device.macKey("default"),
                CoseHeaders.builder().kid(DEFAULT_KID).build(), CoseHeaders.EMPTY, claims().encode(), null);
        assertRejected(verify(truncatedMac), Verdict.Reason.ALGORITHM_NOT_ALLOWED,
                "algorithm HMAC 256/64 is not accepted for mac");
    }

    @Test
    void content_that_is_not_claims_is_refused() throws Exception {
        byte[] notClaims = CoseMac0.mac(CoseAlgorithm.HMAC_256_256, device.macKey("default"), DEFAULT_KID,
                "hello".getBytes(StandardCharsets.UTF_8), null);
        Verdict verdict = verify(notClaims);
        assertRejected(verdict, Verdict.Reason.BAD_CLAIMS, "claims are a text string, not a map");
        assertThat(verdict.claims()).isNull();
        assertThat(verdict.service()).isEqualTo(AuthService.MAC);
    }

    @Test
    void empty_garbage_and_truncated_input_is_refused_as_malformed() throws Exception {
        assertRejected(verify(null), Verdict.Reason.MALFORMED, "AuthData is empty");
        assertRejected(verify(new byte[0]), Verdict.Reason.MALFORMED, "AuthData is empty");
        assertRejected(verify(new byte[] {(byte) 0x84, 1}), Verdict.Reason.MALFORMED,
                "AuthData is not a tagged COSE_Sign1, COSE_Mac0 or COSE_Encrypt0 message");
        for (AuthService service : AuthService.values()) {
            byte[] authData = maker.make(claims(), service, null);
            for (int n = 1; n < authData.length; n++) {
                Verdict verdict = verify(Arrays.copyOf(authData, n));
                assertThat(verdict.reason()).as("%s truncated to %d: %s", service, n, verdict.message())
                        .isEqualTo(Verdict.Reason.MALFORMED);
            }
        }
        Random random = new Random(3);
        byte[][] prefixes = {{}, {(byte) 0xD2}, {(byte) 0xD1, (byte) 0x84}, {(byte) 0xD0, (byte) 0x83, 0x40}};
        for (int i = 0; i < 10_000; i++) {
            byte[] prefix = prefixes[i % prefixes.length];
            byte[] input = Arrays.copyOf(prefix, prefix.length + random.nextInt(80));
            byte[] tail = new byte[input.length - prefix.length];
            random.nextBytes(tail);
            System.arraycopy(tail, 0, input, prefix.length, tail.length);
            Verdict verdict = verify(input);
            assertThat(verdict.accepted()).isFalse();
            assertThat(verdict.message()).isNotBlank();
        }
    }

    @Test
    void an_eddsa_key_signs_with_eddsa() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeySource edKeys = new KeySource() {
            @Override
            public String defaultKeyId() {
                return "ed";
            }

            @Override
            public SigningKey signingKey(String keyId) {
                return new SigningKey(keyId, pair.getPrivate(), List.of());
            }

            @Override
            public SecretKey macKey(String keyId) throws KeyUnavailableException {
                throw new KeyUnavailableException(KeyUnavailableException.Reason.NOT_FOUND, "none");
            }

            @Override
            public SecretKey encryptionKey(String keyId) throws KeyUnavailableException {
                throw new KeyUnavailableException(KeyUnavailableException.Reason.NOT_FOUND, "none");
            }
        };
        byte[] authData = new AuthDataMaker(edKeys).make(claims(), AuthService.SIGN, null);
        assertThat(CoseSign1.parse(authData).algorithm()).isEqualTo(CoseAlgorithm.EDDSA);
        assertThat(VERIFIER.verify(authData, expected(), new TestKeys(List.of(), pair.getPublic(), MASTER)).accepted())
                .isTrue();
        assertRejected(VERIFIER.verify(authData, expected(), serverKeys()), Verdict.Reason.UNTRUSTED_SIGNER,
                "no x5chain in the message and no pinned key for endpoint ep-1");
    }

    @Test
    void a_fleet_key_set_checks_what_a_derived_key_source_makes() throws Exception {
        VerifierKeys fleet = VerifierKeys.fleet(MASTER, List.of(deviceCertificate));
        for (AuthService service : AuthService.values()) {
            assertThat(VERIFIER.verify(maker.make(claims(), service, null), expected(), fleet).accepted()).isTrue();
        }
    }

    private static void assertRejected(Verdict verdict, Verdict.Reason reason, String message) {
        assertThat(verdict.accepted()).isFalse();
        assertThat(verdict.reason()).as(verdict.message()).isEqualTo(reason);
        assertThat(verdict.message()).isEqualTo(message);
    }

    /** Server keys: fleet-derived shared keys for one kid, optional pinned key, trust anchors. */
    private static final class TestKeys implements VerifierKeys {
        private final List<X509Certificate> anchors;
        private final PublicKey pinned;
        private final byte[] master;
        private final byte[] kid;

        TestKeys(List<X509Certificate> anchors, PublicKey pinned, byte[] master) {
            this(anchors, pinned, master, DEFAULT_KID);
        }

        TestKeys(List<X509Certificate> anchors, PublicKey pinned, byte[] master, byte[] kid) {
            this.anchors = anchors;
            this.pinned = pinned;
            this.master = master;
            this.kid = kid;
        }

        @Override
        public List<X509Certificate> trustAnchors() {
            return anchors;
        }

        @Override
        public Optional<PublicKey> pinnedSigningKey(String endpoint, byte[] kid) {
            return Optional.ofNullable(pinned);
        }

        @Override
        public Optional<SecretKey> macKey(String endpoint, byte[] kid) {
            return Arrays.equals(this.kid, kid) ? Optional.of(new SecretKeySpec(KeyDerivation.deriveDeviceKey(master,
                    endpoint, KeyDerivation.PURPOSE_MAC, 32), "HmacSHA256")) : Optional.empty();
        }

        @Override
        public Optional<SecretKey> encryptionKey(String endpoint, byte[] kid) {
            return Arrays.equals(this.kid, kid) ? Optional.of(new SecretKeySpec(KeyDerivation.deriveDeviceKey(master,
                    endpoint, KeyDerivation.PURPOSE_ENCRYPT, 16), "AES")) : Optional.empty();
        }
    }
}
