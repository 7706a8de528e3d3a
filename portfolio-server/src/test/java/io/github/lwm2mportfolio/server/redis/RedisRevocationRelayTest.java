package io.github.lwm2mportfolio.server.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedisRevocationRelayTest {

    @Test
    void theLogSaysWhetherTheOtherNodeChangedTheListOrOnlyStarted() {
        assertThat(RedisRevocationRelay.why("node-b")).isEqualTo("node node-b changed it");
        assertThat(RedisRevocationRelay.why("node-b started")).isEqualTo("node node-b started");
    }
}
