package io.github.lwm2mportfolio.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registrations live in the server's memory: after a restart no device is online until it registers again. */
class PresenceAfterRestartTest {

    @TempDir
    Path dir;

    private PortfolioServer.Builder builder() {
        return PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(-1)
                .dataDirectory(dir.resolve("data"));
    }

    @Test
    void a_device_online_before_a_restart_is_offline_after_it_until_it_registers_again() throws Exception {
        try (PortfolioServer before = builder().build()) {
            before.inventory().registered("meter-1", "1.1", true, Instant.now());
            assertThat(before.inventory().device("meter-1").orElseThrow().summary().online()).isTrue();
        }

        try (PortfolioServer after = builder().build()) {
            assertThat(after.inventory().device("meter-1").orElseThrow().summary().online()).isFalse();
            after.inventory().registered("meter-1", "1.1", true, Instant.now());
            assertThat(after.inventory().device("meter-1").orElseThrow().summary().online()).isTrue();
        }
    }
}
