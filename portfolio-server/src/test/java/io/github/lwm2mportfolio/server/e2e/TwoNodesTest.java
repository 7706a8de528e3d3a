package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.inventory.SecretSealer;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;
import io.github.lwm2mportfolio.server.redis.TestPostgres;
import io.github.lwm2mportfolio.server.redis.TestRedis;

/**
 * Two server nodes in one JVM, on their own ports, sharing Redis (a prefix of the test's own) and a PostgreSQL
 * schema: what one node registers, the other serves.
 */
class TwoNodesTest {

    @TempDir
    Path dir;

    private TestRedis redis;
    private TestPostgres postgres;
    private PortfolioServer nodeA;
    private PortfolioServer nodeB;
    private Fleet fleet;

    @BeforeEach
    void start() throws Exception {
        redis = TestRedis.open();
        postgres = TestPostgres.open();
        nodeA = node("a", dir.resolve("a"));
        // The nodes share the inventory's secrets key (and would share the server identity): copied, as an
        // operator copies the data directory's files to each node.
        Files.createDirectories(dir.resolve("b"));
        Files.copy(dir.resolve("a").resolve(SecretSealer.KEY_FILE_NAME),
                dir.resolve("b").resolve(SecretSealer.KEY_FILE_NAME));
        Files.copy(dir.resolve("a").resolve("server-identity.p12"), dir.resolve("b").resolve("server-identity.p12"));
        Files.copy(dir.resolve("a").resolve("server-identity.p12.password"),
                dir.resolve("b").resolve("server-identity.p12.password"));
        nodeB = node("b", dir.resolve("b"));
        nodeA.start();
        nodeB.start();
        fleet = new Fleet(nodeA, dir.resolve("clients"));
    }

    private PortfolioServer node(String name, Path data) throws Exception {
        return builder(name, data).build();
    }

    private PortfolioServer.Builder builder(String name, Path data) {
        return PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(0)
                .dataDirectory(data).jdbcUrl(postgres.jdbcUrl()).fleetMasterKey(Fleet.MASTER_KEY)
                .collector(CollectorConfig.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(15),
                        Duration.ofMillis(100)))
                .redis(TestRedis.URI).redisPrefix(redis.prefix()).nodeName(name);
    }

    @AfterEach
    void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
        for (PortfolioServer node : new PortfolioServer[] { nodeA, nodeB }) {
            if (node != null) {
                node.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aDeviceRegisteredOnNodeAIsListedCollectedOnceAndEventedOnNodeB() throws Exception {
        List<ServerEvents.Event> seenOnB = new CopyOnWriteArrayList<>();
        nodeB.events().subscribe(seenOnB::add);
        String token = nodeA.tokens().create("ops", Role.OPERATOR).secret();
        String endpoint = Fleet.newEndpoint("meter");

        fleet.start(fleet.client(endpoint, true), Fleet.HostSetup.certified("HDID-2N"));

        // Node B serves the registration made on node A, from the shared store.
        await().atMost(Duration.ofSeconds(20)).until(
                () -> nodeB.lwm2mServer().getRegistrationService().getByEndpoint(endpoint) != null);
        await().atMost(Duration.ofSeconds(30)).until(() -> nodeB.inventory().device(endpoint)
                .map(device -> device.summary().lastVerification() != null).orElse(false));
        HttpResponse<String> listed = get(nodeB, "/api/devices", token);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).contains("\"" + endpoint + "\"");
        HttpResponse<String> device = get(nodeB, "/api/devices/" + endpoint, token);
        assertThat(device.statusCode()).isEqualTo(200);
        assertThat(device.body()).contains("HDID-2N");
        // Node A's events reach node B's subscribers (/api/events, the console).
        await().atMost(Duration.ofSeconds(10)).until(() -> seenOnB.stream()
                .anyMatch(event -> endpoint.equals(event.endpoint()) && event.type().equals("registered")));
        // Only node A collected it: node B never had it in its queue.
        assertThat(nodeB.collector().collectedCount()).isZero();
        assertThat(nodeA.collector().collectedCount()).isPositive();
        // Node B's periodic collection sees the device in the shared store and leaves it to node A.
        Instant verifiedAt = nodeB.inventory().device(endpoint).orElseThrow().summary().lastVerification().at();
        nodeB.collector().requestCollection(endpoint);
        await().atMost(Duration.ofSeconds(10)).until(() -> nodeB.collector().collectedCount() == 1);
        assertThat(nodeB.inventory().device(endpoint).orElseThrow().summary().lastVerification().at())
                .isEqualTo(verifiedAt);
        // Node B cannot reach the device through its own endpoints: it forwards the verify to node A (once node
        // A's collection released the device's lease: a verify meanwhile would be answered 409).
        await().atMost(Duration.ofSeconds(10)).until(() -> nodeA.collector().pendingCount() == 0);
        HttpResponse<String> verify = post(nodeB, "/api/devices/" + endpoint + "/verify", token);
        assertThat(verify.statusCode()).as(verify.body()).isEqualTo(200);
        assertThat(verify.headers().firstValue("X-Portfolio-Node")).hasValue("a");
        assertThat(nodeB.collector().collectedCount()).isEqualTo(1);
        assertThat(nodeB.inventory().device(endpoint).orElseThrow().summary().lastVerification().outcome())
                .isEqualTo(VerificationOutcome.VERIFIED);
    }

    @Test
    void aSecondNodeNamedLikeALiveOneIsRefusedBeforeItTouchesAnythingShared() throws Exception {
        Path certified = dir.resolve("certified.csv");
        Files.writeString(certified, "manufacturer,model,software_version\nTwin Corp,T-1,1.0\n");
        int certificationsBefore = nodeA.inventory().certifications().records().size();
        List<String> keysBefore = redis.keys();

        // Node a's name again, and the DTLS node id node a derived from it: the id is node a's, by name.
        assertThatThrownBy(() -> builder("a", dir.resolve("twin")).certifiedCsv(certified).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("another live node is named 'a'");

        // Its --certified file was not applied to the shared inventory, and it claimed and released nothing:
        // node a's DTLS node id and announcement stay as they were.
        assertThat(nodeA.inventory().certifications().records()).hasSize(certificationsBefore);
        assertThat(redis.keys()).containsExactlyInAnyOrderElementsOf(keysBefore);
        assertThat(nodeB.clusterNodes().orElseThrow().alive("a")).isPresent();
    }

    private static HttpResponse<String> post(PortfolioServer node, String path, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.restUri() + path))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(PortfolioServer node, String path, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.restUri() + path))
                .header("Authorization", "Bearer " + token).build(), BodyHandlers.ofString());
    }
}
