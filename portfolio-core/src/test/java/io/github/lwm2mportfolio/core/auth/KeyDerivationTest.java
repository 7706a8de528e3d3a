package io.github.lwm2mportfolio.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeyDerivationTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void rfc5869_test_case_1() {
        byte[] ikm = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] salt = HEX.parseHex("000102030405060708090a0b0c");
        byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");
        assertThat(HEX.formatHex(KeyDerivation.hkdf(salt, ikm, info, 42))).isEqualTo(
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    }

    @Test
    void rfc5869_test_case_3_with_empty_salt_and_info() {
        byte[] ikm = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        assertThat(HEX.formatHex(KeyDerivation.hkdf(new byte[0], ikm, new byte[0], 42))).isEqualTo(
                "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    }

    @Test
    void device_key_is_hkdf_of_the_master_key_with_the_documented_info() {
        byte[] master = HEX.parseHex("00112233445566778899aabbccddeeff");
        byte[] expected = KeyDerivation.hkdf(null, master,
                "lwm2m-portfolio v1 mac urn:dev:1".getBytes(StandardCharsets.UTF_8), 32);
        assertThat(KeyDerivation.deriveDeviceKey(master, "urn:dev:1", "mac", 32)).isEqualTo(expected);
    }

    @Test
    void keys_differ_by_purpose_and_endpoint() {
        byte[] master = new byte[32];
        byte[] mac = KeyDerivation.deriveDeviceKey(master, "a", KeyDerivation.PURPOSE_MAC, 16);
        assertThat(KeyDerivation.deriveDeviceKey(master, "a", KeyDerivation.PURPOSE_ENCRYPT, 16)).isNotEqualTo(mac);
        assertThat(KeyDerivation.deriveDeviceKey(master, "b", KeyDerivation.PURPOSE_MAC, 16)).isNotEqualTo(mac);
    }

    @Test
    void bad_arguments_are_refused() {
        assertThatThrownBy(() -> KeyDerivation.deriveDeviceKey(new byte[16], "a", "sign", 16))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("purpose must be mac or encrypt, not sign");
        assertThatThrownBy(() -> KeyDerivation.hkdf(null, new byte[16], new byte[0], 255 * 32 + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyDerivation.hkdf(null, new byte[0], new byte[0], 16))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
