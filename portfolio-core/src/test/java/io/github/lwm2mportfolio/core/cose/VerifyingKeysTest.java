package io.github.lwm2mportfolio.core.cose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;

import org.junit.jupiter.api.Test;

/** A JDK EC key verifies through the key converted once, and only what its own private key signed. */
class VerifyingKeysTest {

    private static final byte[] PAYLOAD = "claims".getBytes(StandardCharsets.US_ASCII);

    @Test
    void equal_jdk_keys_share_one_converted_key_and_each_key_checks_only_its_signatures() throws Exception {
        KeyPair device = p256();
        KeyPair other = p256();
        // the same key decoded twice, as from the x5chain of two AuthData values: two JDK objects, one key
        PublicKey decoded = KeyFactory.getInstance("EC").generatePublic(
                new X509EncodedKeySpec(device.getPublic().getEncoded()));
        assertThat(VerifyingKeys.forVerification(decoded)).isSameAs(
                VerifyingKeys.forVerification(device.getPublic()));
        assertThat(VerifyingKeys.forVerification(device.getPublic()).getClass().getName())
                .startsWith("org.bouncycastle.");

        byte[] signed = CoseSign1.sign(CoseAlgorithm.ES256, device.getPrivate(), null, PAYLOAD, null);
        for (int i = 0; i < 3; i++) { // again and again: the kept key and its precomputed tables
            assertThat(CoseSign1.verify(signed, decoded, null).payload()).isEqualTo(PAYLOAD);
        }
        assertThatThrownBy(() -> CoseSign1.verify(signed, other.getPublic(), null))
                .isInstanceOf(CoseException.class).hasMessageContaining("signature does not verify");
        byte[] flipped = signed.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThatThrownBy(() -> CoseSign1.verify(flipped, decoded, null))
                .isInstanceOf(CoseException.class).hasMessageContaining("signature does not verify");
    }

    private static KeyPair p256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }
}
