package io.github.lwm2mportfolio.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class DeviceKeyCacheTest {

    private final AtomicInteger derivations = new AtomicInteger();

    private SecretKey derive(String endpoint) {
        derivations.incrementAndGet();
        return new SecretKeySpec(endpoint.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    @Test
    void a_key_is_derived_once_and_then_the_same_object_is_returned() {
        DeviceKeyCache cache = new DeviceKeyCache(10, this::derive);
        SecretKey first = cache.key("ep-1");
        assertThat(cache.key("ep-1")).isSameAs(first);
        assertThat(cache.key("ep-2")).isNotEqualTo(first);
        assertThat(derivations).hasValue(2);
    }

    @Test
    void it_holds_no_more_than_its_capacity_and_derives_a_dropped_key_again_equal() {
        DeviceKeyCache cache = new DeviceKeyCache(3, this::derive);
        SecretKey first = cache.key("ep-0");
        IntStream.range(1, 10).forEach(i -> cache.key("ep-" + i));
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.key("ep-9").getEncoded()).isEqualTo("ep-9".getBytes(StandardCharsets.UTF_8));
        assertThat(cache.key("ep-0")).isEqualTo(first);
    }

    @Test
    void fleet_keys_are_the_derived_keys_of_the_endpoint() {
        byte[] master = new byte[32];
        VerifierKeys fleet = VerifierKeys.fleet(master, List.of());
        assertThat(fleet.macKey("ep-1", null).orElseThrow().getEncoded())
                .isEqualTo(KeyDerivation.deriveDeviceKey(master, "ep-1", KeyDerivation.PURPOSE_MAC, 32));
        assertThat(fleet.encryptionKey("ep-1", null).orElseThrow().getEncoded())
                .isEqualTo(KeyDerivation.deriveDeviceKey(master, "ep-1", KeyDerivation.PURPOSE_ENCRYPT, 16));
        assertThat(fleet.macKey("ep-1", null).orElseThrow()).isSameAs(fleet.macKey("ep-1", null).orElseThrow());
    }
}
