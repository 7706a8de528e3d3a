package io.github.lwm2mportfolio.server.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The DTLS node ids of the nodes sharing Redis: one node each, and where each takes forwarded records. */
class DtlsClusterNodesTest {

    private TestRedis redis;

    @BeforeEach
    void open() {
        redis = TestRedis.open();
    }

    @AfterEach
    void close() {
        redis.close();
    }

    @Test
    void aNodeIdHeldByAnotherRunningNodeIsRefusedNamingItAndFreeOnceReleased() {
        DtlsClusterNodes a = DtlsClusterNodes.claim(redis.connect("a"), 7);

        assertThatThrownBy(() -> DtlsClusterNodes.claim(redis.connect("b"), 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DTLS node id 7 is held by the running node 'a'")
                .hasMessageContaining("--dtls-node-id");
        a.close();
        DtlsClusterNodes b = DtlsClusterNodes.claim(redis.connect("b"), 7);
        b.close();
        assertThatThrownBy(() -> DtlsClusterNodes.claim(redis.connect("c"), 256))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 to 255");
    }

    @Test
    void aNodeStartingAgainTakesItsIdBackBeforeTheOldClaimExpires() {
        DtlsClusterNodes before = DtlsClusterNodes.claim(redis.connect("a"), 9);
        DtlsClusterNodes again = DtlsClusterNodes.claim(redis.connect("a"), 9);

        assertThat(again.nodeId()).isEqualTo(9);
        before.close();
        again.close();
    }

    @Test
    void eachNodeLearnsTheOthersClusterAddressesButNotItsOwn() {
        InetSocketAddress addressA = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40001);
        InetSocketAddress addressB = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40002);
        try (DtlsClusterNodes a = DtlsClusterNodes.claim(redis.connect("a"), 1);
                DtlsClusterNodes b = DtlsClusterNodes.claim(redis.connect("b"), 2)) {
            a.start(() -> addressA);
            b.start(() -> addressB);

            await().atMost(Duration.ofSeconds(10)).until(() -> addressB.equals(a.getClusterNode(2)));
            assertThat(a.available(addressB)).isTrue();
            assertThat(a.getClusterNode(1)).isNull();
            assertThat(a.getClusterNode(3)).isNull();
            assertThat(b.getClusterNode(1)).isEqualTo(addressA);
        }
    }

    @Test
    void theIdDerivedFromANameIsStable() {
        assertThat(DtlsClusterNodes.idOf("node-1")).isEqualTo(DtlsClusterNodes.idOf("node-1"))
                .isNotEqualTo(DtlsClusterNodes.idOf("node-2")).isBetween(0, 255);
    }
}
