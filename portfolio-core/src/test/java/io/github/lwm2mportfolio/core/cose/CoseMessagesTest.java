package io.github.lwm2mportfolio.core.cose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.upokecenter.cbor.CBORObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Making and checking our own COSE messages, and refusing bad ones with a specific reason. */
class CoseMessagesTest {

    private static final byte[] PAYLOAD = "the claims".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AAD = {9, 8, 7};
    private static final SecretKey MAC_KEY = new SecretKeySpec(new byte[32], "HmacSHA256");
    private static final SecretKey AES_128 = new SecretKeySpec(HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f"),
            "AES");
    private static final SecretKey AES_256 = new SecretKeySpec(new byte[32], "AES");

    private static KeyPair p256;
    private static KeyPair p384;
    private static KeyPair p521;
    private static KeyPair ed25519;

    @BeforeAll
    static void keys() throws Exception {
        p256 = ec("secp256r1");
        p384 = ec("secp384r1");
        p521 = ec("secp521r1");
        ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    private static KeyPair signingPair(CoseAlgorithm alg) {
        return switch (alg) {
            case ES256 -> p256;
            case ES384 -> p384;
            case ES512 -> p521;
            default -> ed25519;
        };
    }

    private static SecretKey aeadKey(CoseAlgorithm alg) {
        return new SecretKeySpec(Arrays.copyOf(AES_256.getEncoded(), alg.keyBytes()), "AES");
    }

    @Test
    void alg_takes_its_sorted_place_in_the_protected_header_whatever_map_and_algorithm_come_before()
            throws Exception {
        CoseHeaders kidOnly = CoseHeaders.ofKid(new byte[] {7});
        CoseHeaders withLabelZero = CoseHeaders.builder().kid(new byte[] {7}).put(0, CBORObject.FromObject(1)).build();
        // one map used with two algorithms in turn: each message gets its own alg
        for (CoseAlgorithm alg : List.of(CoseAlgorithm.HMAC_256_256, CoseAlgorithm.HMAC_512_512,
                CoseAlgorithm.HMAC_256_256)) {
            CoseMessage plain = CoseMac0.verify(CoseMac0.mac(alg, MAC_KEY, kidOnly, CoseHeaders.EMPTY, PAYLOAD, AAD),
                    MAC_KEY, AAD);
            assertThat(plain.algorithm()).isEqualTo(alg);
            assertThat(plain.protectedHeaders().labels()).containsExactly(1, 4);
            CoseMessage zero = CoseMac0.verify(CoseMac0.mac(alg, MAC_KEY, withLabelZero, CoseHeaders.EMPTY, PAYLOAD,
                    AAD), MAC_KEY, AAD);
            assertThat(zero.algorithm()).isEqualTo(alg);
            assertThat(zero.protectedHeaders().labels()).containsExactly(0, 1, 4);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CoseAlgorithm.class, names = {"ES256", "ES384", "ES512", "EDDSA"})
    void signed_message_checks_out_tagged_and_untagged(CoseAlgorithm alg) throws Exception {
        KeyPair pair = signingPair(alg);
        byte[] made = CoseSign1.sign(alg, pair.getPrivate(), new byte[] {1, 2}, PAYLOAD, AAD);

        assertThat(made[0] & 0xFF).isEqualTo(0xD2);
        CoseMessage checked = CoseSign1.verify(made, pair.getPublic(), AAD);
        assertThat(checked.payload()).isEqualTo(PAYLOAD);
        assertThat(checked.algorithm()).isEqualTo(alg);
        assertThat(checked.protectedHeaders().encoded()).isEqualTo(alg.protectedHeader());
        assertThat(checked.kid()).contains(new byte[] {1, 2});
        assertThat(CoseSign1.verify(Arrays.copyOfRange(made, 1, made.length), pair.getPublic(), AAD).payload())
                .isEqualTo(PAYLOAD);
    }

    @ParameterizedTest
    @EnumSource(value = CoseAlgorithm.class, names = {"HMAC_256_64", "HMAC_256_256", "HMAC_384_384", "HMAC_512_512"})
    void maced_message_checks_out_tagged_and_untagged(CoseAlgorithm alg) throws Exception {
        byte[] made = CoseMac0.mac(alg, MAC_KEY, new byte[] {3}, PAYLOAD, AAD);

        assertThat(made[0] & 0xFF).isEqualTo(0xD1);
        assertThat(CoseMac0.parse(made).algorithm()).isEqualTo(alg);
        assertThat(CoseMac0.verify(made, MAC_KEY, AAD).payload()).isEqualTo(PAYLOAD);
        assertThat(CoseMac0.verify(Arrays.copyOfRange(made, 1, made.length), MAC_KEY.getEncoded(), AAD).payload())
                .isEqualTo(PAYLOAD);
    }

    @ParameterizedTest
    @EnumSource(value = CoseAlgorithm.class, mode = EnumSource.Mode.MATCH_ANY, names = {"A.*GCM", "AES_CCM.*"})
    void encrypted_message_decrypts_tagged_and_untagged(CoseAlgorithm alg) throws Exception {
        SecretKey key = aeadKey(alg);
        byte[] made = CoseEncrypt0.encrypt(alg, key, new byte[] {4}, PAYLOAD, AAD);

        assertThat(made[0] & 0xFF).isEqualTo(0xD0);
        CoseMessage parsed = CoseEncrypt0.parse(made);
        assertThat(parsed.unprotectedHeaders().iv()).hasValueSatisfying(iv -> assertThat(iv).hasSize(alg.ivBytes()));
        assertThat(parsed.ciphertext()).hasValueSatisfying(c -> assertThat(c).hasSize(PAYLOAD.length + alg.sizeBytes()));
        assertThatThrownBy(parsed::payload).isInstanceOf(IllegalStateException.class);
        assertThat(CoseEncrypt0.decrypt(made, key, AAD).payload()).isEqualTo(PAYLOAD);
        assertThat(CoseEncrypt0.decrypt(Arrays.copyOfRange(made, 1, made.length), key.getEncoded(), AAD).payload())
                .isEqualTo(PAYLOAD);
    }

    @Test
    void two_encryptions_use_different_ivs() throws Exception {
        byte[] a = CoseEncrypt0.encrypt(CoseAlgorithm.A128GCM, AES_128, null, PAYLOAD, null);
        byte[] b = CoseEncrypt0.encrypt(CoseAlgorithm.A128GCM, AES_128, null, PAYLOAD, null);
        assertThat(CoseEncrypt0.parse(a).unprotectedHeaders().iv().orElseThrow())
                .isNotEqualTo(CoseEncrypt0.parse(b).unprotectedHeaders().iv().orElseThrow());
    }

    @Test
    void a_message_of_another_structure_is_refused_by_its_tag() throws Exception {
        byte[] mac = CoseMac0.mac(CoseAlgorithm.HMAC_256_256, MAC_KEY, null, PAYLOAD, null);
        assertRefused(() -> CoseSign1.verify(mac, p256.getPublic(), null), CoseException.Kind.MALFORMED,
                "not a COSE_Sign1 message: tag 17");
        byte[] signed = CoseSign1.sign(CoseAlgorithm.ES256, p256.getPrivate(), null, PAYLOAD, null);
        assertRefused(() -> CoseEncrypt0.decrypt(signed, AES_128, null), CoseException.Kind.MALFORMED,
                "not a COSE_Encrypt0 message: tag 18");
    }

    @Test
    void wrong_key_aad_or_payload_fail_the_check() throws Exception {
        byte[] signed = CoseSign1.sign(CoseAlgorithm.ES256, p256.getPrivate(), null, PAYLOAD, AAD);
        assertRefused(() -> CoseSign1.verify(signed, ec("secp256r1").getPublic(), AAD),
                CoseException.Kind.VERIFICATION_FAILED, "signature does not verify");
        assertRefused(() -> CoseSign1.verify(signed, p256.getPublic(), null), CoseException.Kind.VERIFICATION_FAILED,
                "signature does not verify");
        assertRefused(() -> CoseSign1.verify(signed, ed25519.getPublic(), AAD), CoseException.Kind.KEY_MISMATCH,
                "ES256 needs an EC key, not EdDSA");

        byte[] maced = CoseMac0.mac(CoseAlgorithm.HMAC_256_256, MAC_KEY, null, PAYLOAD, AAD);
        assertRefused(() -> CoseMac0.verify(maced, new SecretKeySpec(new byte[] {1}, "HmacSHA256"), AAD),
                CoseException.Kind.VERIFICATION_FAILED, "MAC does not match");

        byte[] encrypted = CoseEncrypt0.encrypt(CoseAlgorithm.A128GCM, AES_128, null, PAYLOAD, AAD);
        assertRefused(() -> CoseEncrypt0.decrypt(encrypted, new SecretKeySpec(new byte[16], "AES"), AAD),
                CoseException.Kind.VERIFICATION_FAILED, "decryption failed: authentication tag mismatch");
        assertRefused(() -> CoseEncrypt0.decrypt(encrypted, AES_256, AAD), CoseException.Kind.KEY_MISMATCH,
                "A128GCM needs a 16-byte key, not 32 bytes");
        byte[] ccm = CoseEncrypt0.encrypt(CoseAlgorithm.AES_CCM_16_64_128, AES_128, null, PAYLOAD, AAD);
        assertRefused(() -> CoseEncrypt0.decrypt(ccm, AES_128, null), CoseException.Kind.VERIFICATION_FAILED,
                "decryption failed: authentication tag mismatch");
    }

    @Test
    void protected_header_must_be_a_byte_string_holding_a_map() throws Exception {
        CBORObject alg = CBORObject.NewMap().Add(1, -7);
        byte[] notBytes = CBORObject.FromObjectAndTag(CBORObject.NewArray().Add(alg).Add(CBORObject.NewMap())
                .Add(PAYLOAD).Add(new byte[64]), 18).EncodeToBytes();
        assertRefused(() -> CoseSign1.parse(notBytes), CoseException.Kind.MALFORMED,
                "protected header is not a byte string");

        byte[] notMap = sign1(new byte[] {0x01}, CBORObject.NewMap().Add(1, -7));
        assertRefused(() -> CoseSign1.parse(notMap), CoseException.Kind.MALFORMED, "protected header is not a map");

        byte[] trailing = sign1(new byte[] {(byte) 0xA1, 0x01, 0x26, 0x00}, CBORObject.NewMap());
        assertRefused(() -> CoseSign1.parse(trailing), CoseException.Kind.MALFORMED,
                "trailing bytes after the protected header map");
    }

    @Test
    void algorithm_must_be_present_known_and_fit_the_structure() throws Exception {
        assertRefused(() -> CoseSign1.parse(sign1(new byte[0], CBORObject.NewMap().Add(4, new byte[] {1}))),
                CoseException.Kind.MALFORMED, "algorithm header missing");
        assertRefused(() -> CoseSign1.parse(sign1(CBORObject.NewMap().Add(1, -999).EncodeToBytes(), CBORObject.NewMap())),
                CoseException.Kind.UNSUPPORTED, "unsupported algorithm -999");
        assertRefused(() -> CoseSign1.parse(sign1(CBORObject.NewMap().Add(1, "ES256").EncodeToBytes(),
                CBORObject.NewMap())), CoseException.Kind.UNSUPPORTED, "unsupported algorithm \"ES256\"");
        assertRefused(() -> CoseSign1.parse(sign1(CBORObject.NewMap().Add(1, 5).EncodeToBytes(), CBORObject.NewMap())),
                CoseException.Kind.UNSUPPORTED, "algorithm HMAC 256/256 cannot be used with COSE_Sign1");
        assertRefused(() -> CoseSign1.parse(sign1(CBORObject.NewMap().Add(1, -7).EncodeToBytes(),
                CBORObject.NewMap().Add(1, -7))), CoseException.Kind.MALFORMED,
                "header 1 is in both protected and unprotected headers");
    }

    @Test
    void critical_headers_must_be_understood_and_protected() throws Exception {
        byte[] unknownCrit = sign1(CBORObject.NewMap().Add(1, -7).Add(2, CBORObject.NewArray().Add(99)).Add(99, 0)
                .EncodeToBytes(), CBORObject.NewMap());
        assertRefused(() -> CoseSign1.parse(unknownCrit), CoseException.Kind.UNSUPPORTED,
                "critical header 99 is not understood");
        byte[] unprotectedCrit = sign1(CBORObject.NewMap().Add(1, -7).EncodeToBytes(),
                CBORObject.NewMap().Add(2, CBORObject.NewArray().Add(4)));
        assertRefused(() -> CoseSign1.parse(unprotectedCrit), CoseException.Kind.MALFORMED,
                "crit header must be protected");
        byte[] knownCrit = sign1(CBORObject.NewMap().Add(1, -7).Add(2, CBORObject.NewArray().Add(1)).EncodeToBytes(),
                CBORObject.NewMap());
        assertThat(CoseSign1.parse(knownCrit).algorithm()).isEqualTo(CoseAlgorithm.ES256);
    }

    @Test
    void envelope_shape_errors_have_their_own_reasons() throws Exception {
        byte[] prot = CBORObject.NewMap().Add(1, -7).EncodeToBytes();
        byte[] detached = CBORObject.FromObjectAndTag(CBORObject.NewArray().Add(prot).Add(CBORObject.NewMap())
                .Add(CBORObject.Null).Add(new byte[64]), 18).EncodeToBytes();
        assertRefused(() -> CoseSign1.parse(detached), CoseException.Kind.UNSUPPORTED,
                "detached payload is not supported");
        byte[] threeItems = CBORObject.NewArray().Add(prot).Add(CBORObject.NewMap()).Add(PAYLOAD).EncodeToBytes();
        assertRefused(() -> CoseSign1.parse(threeItems), CoseException.Kind.MALFORMED,
                "COSE_Sign1 must be an array of 4 items, not 3");
        byte[] valid = sign1(prot, CBORObject.NewMap());
        byte[] trailing = Arrays.copyOf(valid, valid.length + 1);
        assertRefused(() -> CoseSign1.parse(trailing), CoseException.Kind.MALFORMED,
                "trailing bytes after the COSE_Sign1 message");
        byte[] kidNotBytes = sign1(prot, CBORObject.NewMap().Add(4, "text"));
        assertRefused(() -> CoseSign1.parse(kidNotBytes), CoseException.Kind.MALFORMED,
                "kid header is a text string, not a byte string");
        assertRefused(() -> CoseSign1.parse(new byte[0]), CoseException.Kind.MALFORMED, "empty message");
    }

    @Test
    void iv_must_have_the_algorithm_length() throws Exception {
        byte[] prot = CBORObject.NewMap().Add(1, 1).EncodeToBytes();
        byte[] shortIv = CBORObject.FromObjectAndTag(CBORObject.NewArray().Add(prot)
                .Add(CBORObject.NewMap().Add(5, new byte[11])).Add(new byte[32]), 16).EncodeToBytes();
        assertRefused(() -> CoseEncrypt0.parse(shortIv), CoseException.Kind.MALFORMED, "IV has 11 bytes, A128GCM needs 12");
        byte[] noIv = CBORObject.FromObjectAndTag(CBORObject.NewArray().Add(prot).Add(CBORObject.NewMap())
                .Add(new byte[32]), 16).EncodeToBytes();
        assertRefused(() -> CoseEncrypt0.parse(noIv), CoseException.Kind.MALFORMED, "IV header missing");
    }

    @Test
    void deeply_nested_or_oversized_items_are_refused_without_another_exception() throws Exception {
        CBORObject deep = CBORObject.NewArray();
        byte[] nested = new byte[2000];
        Arrays.fill(nested, (byte) 0x81);
        nested[nested.length - 1] = 0x00;
        byte[] prot = CBORObject.NewMap().Add(1, -7).EncodeToBytes();
        byte[] head = sign1(prot, CBORObject.NewMap().Add(99, deep));
        // Replace the empty array value (0x80) by 2000 nested arrays.
        int at = indexOf(head, (byte) 0x80);
        byte[] message = new byte[head.length - 1 + nested.length];
        System.arraycopy(head, 0, message, 0, at);
        System.arraycopy(nested, 0, message, at, nested.length);
        System.arraycopy(head, at + 1, message, at + nested.length, head.length - at - 1);
        assertRefused(() -> CoseSign1.parse(message), CoseException.Kind.MALFORMED, "CBOR nested too deeply");

        byte[] hugeLength = HexFormat.of().parseHex("D2845B7FFFFFFFFFFFFFFF00");
        assertRefused(() -> CoseSign1.parse(hugeLength), CoseException.Kind.MALFORMED, "truncated CBOR data");
    }

    @Test
    void every_truncation_and_every_flipped_byte_is_refused_with_a_cose_exception() throws Exception {
        List<byte[]> messages = List.of(
                CoseSign1.sign(CoseAlgorithm.ES256, p256.getPrivate(), null, PAYLOAD, AAD),
                CoseSign1.sign(CoseAlgorithm.EDDSA, ed25519.getPrivate(), null, PAYLOAD, AAD),
                CoseMac0.mac(CoseAlgorithm.HMAC_256_256, MAC_KEY, null, PAYLOAD, AAD),
                CoseEncrypt0.encrypt(CoseAlgorithm.A128GCM, AES_128, null, PAYLOAD, AAD),
                CoseEncrypt0.encrypt(CoseAlgorithm.AES_CCM_16_64_128, AES_128, null, PAYLOAD, AAD));
        for (byte[] message : messages) {
            for (int length = 0; length < message.length; length++) {
                byte[] truncated = Arrays.copyOf(message, length);
                assertThat(check(message, truncated)).as("truncated to %d", length).isInstanceOf(CoseException.class);
            }
            for (int i = 0; i < message.length; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] flipped = message.clone();
                    flipped[i] ^= (byte) (1 << bit);
                    assertThat(check(message, flipped)).as("bit %d of byte %d", bit, i)
                            .isInstanceOf(CoseException.class);
                }
            }
        }
    }

    @Test
    void random_bytes_only_ever_give_cose_exceptions() {
        Random random = new Random(42);
        byte[][] prefixes = {{}, {(byte) 0xD2, (byte) 0x84}, {(byte) 0xD1, (byte) 0x84}, {(byte) 0xD0, (byte) 0x83},
            {(byte) 0x84, 0x43, (byte) 0xA1, 0x01, 0x26}};
        for (int i = 0; i < 20_000; i++) {
            byte[] prefix = prefixes[i % prefixes.length];
            byte[] body = new byte[random.nextInt(64)];
            random.nextBytes(body);
            byte[] input = Arrays.copyOf(prefix, prefix.length + body.length);
            System.arraycopy(body, 0, input, prefix.length, body.length);
            for (Throwable t : new Throwable[] {
                catchThrowable(() -> CoseSign1.verify(input, p256.getPublic(), null)),
                catchThrowable(() -> CoseMac0.verify(input, MAC_KEY, null)),
                catchThrowable(() -> CoseEncrypt0.decrypt(input, AES_128, null))}) {
                assertThat(t).as("input %s", HexFormat.of().formatHex(input)).isInstanceOf(CoseException.class);
            }
        }
    }

    @Test
    void header_builder_encodes_labels_in_deterministic_order() {
        CoseHeaders headers = CoseHeaders.builder().put(33, CBORObject.FromObject(new byte[] {1}))
                .kid(new byte[] {2}).put(-1, CBORObject.FromObject(0)).contentType(0).build();
        assertThat(HexFormat.of().formatHex(headers.encoded())).isEqualTo("a4" + "0300" + "044102" + "18214101" + "2000");
        assertThat(headers.labels()).containsExactly(3, 4, 33, -1);
    }

    @Test
    void ecdsa_signature_conversion_keeps_leading_zeros_and_high_bits() throws Exception {
        for (int n : new int[] {32, 48, 66}) {
            byte[] raw = new byte[2 * n];
            raw[0] = 0;
            raw[1] = (byte) 0x80;
            raw[n] = (byte) 0xFF;
            raw[2 * n - 1] = 1;
            assertThat(EcdsaDer.derToRaw(EcdsaDer.rawToDer(raw), n)).isEqualTo(raw);
        }
        assertThatThrownBy(() -> EcdsaDer.derToRaw(new byte[] {0x30, 0x03, 0x02, 0x01}, 32))
                .isInstanceOf(CoseException.class);
    }

    private static Throwable check(byte[] original, byte[] candidate) {
        return switch (original[0] & 0xFF) {
            case 0xD2 -> catchThrowable(() -> CoseSign1.verify(candidate,
                    CoseSign1.parse(original).algorithm() == CoseAlgorithm.EDDSA ? ed25519.getPublic() : p256.getPublic(),
                    AAD));
            case 0xD1 -> catchThrowable(() -> CoseMac0.verify(candidate, MAC_KEY, AAD));
            default -> catchThrowable(() -> CoseEncrypt0.decrypt(candidate, AES_128, AAD));
        };
    }

    private static byte[] sign1(byte[] prot, CBORObject unprotected) {
        return CBORObject.FromObjectAndTag(CBORObject.NewArray().Add(prot).Add(unprotected).Add(PAYLOAD)
                .Add(new byte[64]), 18).EncodeToBytes();
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new IllegalArgumentException("not found");
    }

    @FunctionalInterface
    private interface Call {
        Object call() throws Exception;
    }

    private static void assertRefused(Call call, CoseException.Kind kind, String reason) {
        Throwable t = catchThrowable(call::call);
        assertThat(t).isInstanceOf(CoseException.class).hasMessage(reason);
        assertThat(((CoseException) t).kind()).isEqualTo(kind);
    }

}
