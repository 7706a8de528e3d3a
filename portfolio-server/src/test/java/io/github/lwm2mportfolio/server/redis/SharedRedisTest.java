package io.github.lwm2mportfolio.server.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.server.PortfolioServer;

/** What an operator gets wrong when making a server a node of several. */
class SharedRedisTest {

    @TempDir
    Path dir;

    @Test
    void aServerOnRedisNeedsANodeName() {
        assertThatThrownBy(() -> PortfolioServer.builder().dataDirectory(dir).redis("redis://127.0.0.1:6379").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--node");
    }

    @Test
    void nodesOnRedisNeedAPostgresqlInventory() {
        assertThatThrownBy(() -> PortfolioServer.builder().dataDirectory(dir).redis("redis://127.0.0.1:6379")
                .nodeName("a").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--db jdbc:postgresql://");
    }

    @Test
    void anUnreachableRedisIsSaidWithoutItsPassword() {
        assertThatThrownBy(() -> SharedRedis.connect("redis://:s3cret@127.0.0.1:1", "p:", "n1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot reach Redis at redis://***@127.0.0.1:1")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void badNamesPrefixesAndUrisAreRefusedBeforeConnecting() {
        assertThatThrownBy(() -> SharedRedis.connect("redis://127.0.0.1:1", "p:", "two words"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node name");
        assertThatThrownBy(() -> SharedRedis.connect("redis://127.0.0.1:1", "p*", "n1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
        assertThatThrownBy(() -> SharedRedis.connect("http://:pw@example", "p:", "n1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a Redis URI")
                .hasMessageNotContaining(":pw");
        assertThat(RedisUris.withoutSecret("redis://user:pw@host:6379/0")).isEqualTo("redis://***@host:6379/0");
    }
}
