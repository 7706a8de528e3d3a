package io.github.lwm2mportfolio.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.github.lwm2mportfolio.core.cose.CoseAlgorithm;
import io.github.lwm2mportfolio.core.cose.CoseEncrypt0;
import io.github.lwm2mportfolio.core.cose.CoseException;
import io.github.lwm2mportfolio.core.cose.CoseMac0;
import io.github.lwm2mportfolio.core.cose.CoseSign1;

/**
 * The verifier never throws and accepts only claims that match what the server expects. The first byte (its two low bits) chooses
 * what the rest is: the AuthData itself (any bytes), or the content of a message correctly MACed, encrypted or
 * signed with the device's keys, so that the claims checks behind the cryptography are reached with fuzzed claims.
 * {@code mvn test} replays the seeds in {@code AuthDataVerifierFuzzTestInputs};
 * {@code JAZZER_FUZZ=1 mvn test -pl portfolio-core -Dtest=AuthDataVerifierFuzzTest} fuzzes for five minutes.
 */
class AuthDataVerifierFuzzTest {

    private static final byte[] MASTER = "fleet master key: 32 bytes long!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KID = "default".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NONCE = { 10, 11, 12, 13, 14, 15, 16, 17 };
    private static final Expectation EXPECTED = new Expectation("ep-1", "/16/0", 1, "ACME", NONCE, 6);
    private static final AuthDataVerifier VERIFIER = new AuthDataVerifier();
    private static final KeyPair SIGNING = ecKeyPair();
    private static final VerifierKeys KEYS = new PinnedAndFleetKeys(SIGNING.getPublic());
    private static final SecretKey MAC_KEY = new SecretKeySpec(
            KeyDerivation.deriveDeviceKey(MASTER, "ep-1", KeyDerivation.PURPOSE_MAC, 32), "HmacSHA256");
    private static final SecretKey AES_KEY = new SecretKeySpec(
            KeyDerivation.deriveDeviceKey(MASTER, "ep-1", KeyDerivation.PURPOSE_ENCRYPT, 16), "AES");

    @FuzzTest(maxDuration = "5m")
    void verify(byte[] input) throws CoseException {
        if (input.length == 0) {
            return;
        }
        int mode = input[0] & 3;
        byte[] bytes = Arrays.copyOfRange(input, 1, input.length);
        byte[] authData = switch (mode) {
            case 1 -> CoseMac0.mac(CoseAlgorithm.HMAC_256_256, MAC_KEY, KID, bytes, new byte[0]);
            case 2 -> CoseEncrypt0.encrypt(CoseAlgorithm.A128GCM, AES_KEY, KID, bytes, new byte[0]);
            case 3 -> CoseSign1.sign(CoseAlgorithm.ES256, SIGNING.getPrivate(), KID, bytes, new byte[0]);
            default -> bytes;
        };

        Verdict verdict = VERIFIER.verify(authData, EXPECTED, KEYS);

        assertThat(verdict.message()).isNotBlank();
        if (verdict.accepted()) {
            AuthClaims claims = verdict.claims();
            assertThat(claims.endpoint()).isEqualTo(EXPECTED.endpoint());
            assertThat(claims.instancePath()).isEqualTo(EXPECTED.instancePath());
            assertThat(claims.identityId()).isEqualTo(EXPECTED.identityId());
            assertThat(claims.identityValue()).isEqualTo(EXPECTED.identityValue());
            assertThat(claims.nonce()).isEqualTo(NONCE);
            assertThat(claims.counter()).isGreaterThan(EXPECTED.lastCounter());
        }
    }

    private static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fleet's derived MAC and AES keys, and one pinned signing key. */
    private record PinnedAndFleetKeys(PublicKey pinned) implements VerifierKeys {
        private static final VerifierKeys FLEET = VerifierKeys.fleet(MASTER, List.of());

        @Override
        public List<X509Certificate> trustAnchors() {
            return List.of();
        }

        @Override
        public Optional<PublicKey> pinnedSigningKey(String endpoint, byte[] kid) {
            return Optional.of(pinned);
        }

        @Override
        public Optional<SecretKey> macKey(String endpoint, byte[] kid) {
            return FLEET.macKey(endpoint, kid);
        }

        @Override
        public Optional<SecretKey> encryptionKey(String endpoint, byte[] kid) {
            return FLEET.encryptionKey(endpoint, kid);
        }
    }
}
