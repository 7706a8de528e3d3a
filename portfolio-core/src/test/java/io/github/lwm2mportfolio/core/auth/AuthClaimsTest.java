package io.github.lwm2mportfolio.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.upokecenter.cbor.CBORObject;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AuthClaimsTest {

    private static final AuthClaims CLAIMS = new AuthClaims("ep1", "/16/0", 0, "ID", new byte[] {1, 2}, 1_700_000_000L,
            5);

    @Test
    void format_version_1_encoding_is_fixed() {
        // {1: 1, 2: "ep1", 3: "/16/0", 4: 0, 5: "ID", 6: h'0102', 7: 1700000000, 8: 5}
        assertThat(HexFormat.of().formatHex(CLAIMS.encode())).isEqualTo("a8" + "0101" + "0263657031"
                + "03652f31362f30" + "0400" + "05624944" + "06420102" + "071a6553f100" + "0805");
    }

    @Test
    void claims_survive_a_round_trip_with_and_without_nonce() throws Exception {
        assertThat(AuthClaims.decode(CLAIMS.encode())).isEqualTo(CLAIMS);
        AuthClaims noNonce = new AuthClaims("urn:imei:0123", "/16/3", 65535, "Ünïcödé ✓", null, 0, Long.MAX_VALUE);
        AuthClaims decoded = AuthClaims.decode(noNonce.encode());
        assertThat(decoded).isEqualTo(noNonce);
        assertThat(decoded.nonce()).isNull();
        assertThat(noNonce.encode()[0]).isEqualTo((byte) 0xA7);
    }

    @Test
    void same_claims_give_the_same_bytes() {
        AuthClaims copy = new AuthClaims("ep1", "/16/0", 0, "ID", new byte[] {1, 2}, 1_700_000_000L, 5);
        assertThat(copy.encode()).isEqualTo(CLAIMS.encode());
        assertThat(copy).isEqualTo(CLAIMS).hasSameHashCodeAs(CLAIMS);
        assertThat(copy).isNotEqualTo(new AuthClaims("ep1", "/16/0", 0, "ID", new byte[] {1, 3}, 1_700_000_000L, 5));
    }

    @Test
    void nonce_is_copied_in_and_out() {
        byte[] nonce = {1, 2};
        AuthClaims claims = new AuthClaims("ep1", "/16/0", 0, "ID", nonce, 0, 0);
        nonce[0] = 9;
        claims.nonce()[1] = 9;
        assertThat(claims.nonce()).containsExactly(1, 2);
    }

    @Test
    void to_string_leaves_the_identity_value_out() {
        assertThat(new AuthClaims("ep1", "/16/0", 0, "secret-serial", null, 0, 0).toString())
                .doesNotContain("secret-serial").contains("13 chars");
    }

    @Test
    void unknown_integer_keys_are_ignored() throws Exception {
        CBORObject map = CBORObject.DecodeFromBytes(CLAIMS.encode());
        map.Add(99, CBORObject.NewArray().Add("future")).Add(-3, 0);
        assertThat(AuthClaims.decode(map.EncodeToBytes())).isEqualTo(CLAIMS);
    }

    @Test
    void a_text_claim_that_is_not_utf8_is_refused() {
        byte[] cbor = CLAIMS.encode();
        // endpoint "ep1" (65 70 31 after its head 63) becomes C3 28 31: a lead byte without its continuation
        cbor[5] = (byte) 0xC3;
        cbor[6] = 0x28;
        assertRefused(cbor, AuthDataException.Reason.MALFORMED,
                "claims are not well-formed CBOR: text string is not valid UTF-8");
    }

    @Test
    void unknown_version_is_refused() {
        assertRefused(with(1, CBORObject.FromObject(2)), AuthDataException.Reason.UNSUPPORTED_VERSION,
                "format version 2 is not supported (this implementation reads version 1)");
    }

    @Test
    void missing_claims_are_named() {
        CBORObject map = CBORObject.DecodeFromBytes(CLAIMS.encode());
        map.Remove(CBORObject.FromObject(5));
        assertRefused(map.EncodeToBytes(), AuthDataException.Reason.MISSING_CLAIM, "claim 5 (Identity value) is missing");
        CBORObject noVersion = CBORObject.DecodeFromBytes(CLAIMS.encode());
        noVersion.Remove(CBORObject.FromObject(1));
        assertRefused(noVersion.EncodeToBytes(), AuthDataException.Reason.MISSING_CLAIM,
                "claim 1 (format version) is missing");
    }

    @Test
    void wrong_types_and_ranges_are_named() {
        assertRefused(with(2, CBORObject.FromObject(new byte[] {1})), AuthDataException.Reason.WRONG_TYPE,
                "claim 2 (endpoint) must be a text string, not a byte string");
        assertRefused(with(6, CBORObject.FromObject("nonce")), AuthDataException.Reason.WRONG_TYPE,
                "claim 6 (nonce) must be a byte string, not a text string");
        assertRefused(with(8, CBORObject.FromObject(-1)), AuthDataException.Reason.WRONG_TYPE,
                "claim 8 (counter) must be an unsigned integer, not an integer");
        assertRefused(with(4, CBORObject.FromObject(70_000)), AuthDataException.Reason.OUT_OF_RANGE,
                "claim 4 (Identity instance ID) 70000 is out of range 0..65535");
        assertRefused(HexFormat.of().parseHex("a1081bffffffffffffffff"), AuthDataException.Reason.OUT_OF_RANGE,
                "claim 8 (counter) 18446744073709551615 is out of range 0..9223372036854775807");
    }

    @Test
    void malformed_input_is_refused() {
        assertRefused(new byte[0], AuthDataException.Reason.MALFORMED, "claims are empty");
        assertRefused(CBORObject.NewArray().EncodeToBytes(), AuthDataException.Reason.MALFORMED,
                "claims are an array, not a map");
        byte[] trailing = java.util.Arrays.copyOf(CLAIMS.encode(), CLAIMS.encode().length + 1);
        assertRefused(trailing, AuthDataException.Reason.MALFORMED, "trailing bytes after the claims map");
        assertRefused(CBORObject.NewMap().Add("endpoint", "x").EncodeToBytes(), AuthDataException.Reason.MALFORMED,
                "claim key is a text string, not an integer");
        // {2: "a", 2: "b"}: a duplicate key, which CBOR libraries refuse to write.
        assertRefused(HexFormat.of().parseHex("a2026161026162"), AuthDataException.Reason.DUPLICATE_CLAIM,
                "claim 2 (endpoint) appears twice");
        assertRefused(HexFormat.of().parseHex("a80101"), AuthDataException.Reason.MALFORMED,
                "claims are not well-formed CBOR: truncated CBOR data");
    }

    @Test
    void random_and_truncated_input_only_gives_auth_data_exceptions() {
        byte[] valid = CLAIMS.encode();
        for (int n = 0; n < valid.length; n++) {
            byte[] truncated = java.util.Arrays.copyOf(valid, n);
            assertThatThrownBy(() -> AuthClaims.decode(truncated)).isInstanceOf(AuthDataException.class);
        }
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] input = new byte[random.nextInt(40)];
            random.nextBytes(input);
            if (input.length > 0 && i % 2 == 0) {
                input[0] = (byte) (0xA0 | random.nextInt(9));
            }
            try {
                AuthClaims.decode(input);
            } catch (AuthDataException expected) {
                // the only way to fail
            }
        }
    }

    private static byte[] with(int key, CBORObject value) {
        CBORObject map = CBORObject.DecodeFromBytes(CLAIMS.encode());
        map.Set(key, value);
        return map.EncodeToBytes();
    }

    private static void assertRefused(byte[] cbor, AuthDataException.Reason reason, String message) {
        AuthDataException e = catchThrowableOfType(AuthDataException.class, () -> AuthClaims.decode(cbor));
        assertThat(e).as("decoding must fail").isNotNull().hasMessage(message);
        assertThat(e.reason()).isEqualTo(reason);
    }
}
