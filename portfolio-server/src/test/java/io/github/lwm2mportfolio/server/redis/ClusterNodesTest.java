package io.github.lwm2mportfolio.server.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.lwm2mportfolio.server.redis.ClusterNodes.Node;

class ClusterNodesTest {

    private TestRedis redis;
    private final List<ClusterNodes> opened = new ArrayList<>();

    @BeforeEach
    void open() {
        redis = TestRedis.open();
    }

    @AfterEach
    void close() {
        opened.forEach(ClusterNodes::close);
        if (redis != null) {
            redis.close();
        }
    }

    private ClusterNodes node(SharedRedis shared, Duration ttl) {
        ClusterNodes nodes = new ClusterNodes(shared, ttl);
        opened.add(nodes);
        return nodes;
    }

    @Test
    void everyNodeSeesTheLiveNodesAndTheirRestApis() {
        ClusterNodes a = node(redis.connect("node-a"), Duration.ofSeconds(30));
        ClusterNodes b = node(redis.connect("node-b"), Duration.ofSeconds(30));
        a.announce(URI.create("http://10.0.0.1:8080"));
        b.announce(null);

        assertThat(b.alive()).extracting(Node::name).containsExactly("node-a", "node-b");
        assertThat(b.alive("node-a")).map(Node::restUri).contains(URI.create("http://10.0.0.1:8080"));
        assertThat(a.alive("node-b")).hasValueSatisfying(node -> assertThat(node.restUri()).isNull());
        assertThat(a.alive("node-c")).isEmpty();
    }

    @Test
    void aSecondLiveNodeOfTheSameNameIsRefused() {
        node(redis.connect("node-a"), Duration.ofSeconds(30)).announce(null);
        ClusterNodes twin = node(redis.connect("node-a"), Duration.ofSeconds(30));

        assertThatThrownBy(() -> twin.announce(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another live node is named 'node-a'").hasMessageContaining("--node");
    }

    @Test
    void aNodeThatStopsIsGoneAtOnceAndItsNameIsFreeAgain() {
        ClusterNodes a = node(redis.connect("node-a"), Duration.ofSeconds(30));
        ClusterNodes b = node(redis.connect("node-b"), Duration.ofSeconds(30));
        a.announce(null);
        a.close();

        assertThat(b.alive("node-a")).isEmpty();
        node(redis.connect("node-a"), Duration.ofSeconds(30)).announce(null);
        assertThat(b.alive("node-a")).isPresent();
    }

    @Test
    void aNodeThatStopsRenewingDisappearsAfterItsTimeToLive() {
        SharedRedis dying = redis.connect("node-a");
        ClusterNodes a = node(dying, Duration.ofMillis(600));
        ClusterNodes b = node(redis.connect("node-b"), Duration.ofSeconds(30));
        a.announce(null);

        // Renewed past several lifetimes while it runs.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> b.alive("node-a").isPresent());
        dying.close(); // as a killed node: no more renewals, no withdrawal
        await().atMost(Duration.ofSeconds(10)).until(() -> b.alive("node-a").isEmpty());
    }
}
