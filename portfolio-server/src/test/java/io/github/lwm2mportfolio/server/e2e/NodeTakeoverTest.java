package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.request.UpdateRequest;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.inventory.SecretSealer;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;
import io.github.lwm2mportfolio.server.redis.RedisCollectionLeases;
import io.github.lwm2mportfolio.server.redis.RedisRegistrationStore;
import io.github.lwm2mportfolio.server.redis.SharedRedis;
import io.github.lwm2mportfolio.server.redis.TestPostgres;
import io.github.lwm2mportfolio.server.redis.TestRedis;
import io.github.lwm2mportfolio.server.testing.UdpBalancer;

/**
 * Two nodes behind a UDP balancer; node a dies as a killed process does (its link to Redis cut first: no
 * withdrawal, no renewal, no release) while it holds the collection lease of its device. The device's next
 * Update reaches node b, which answers 4.04 (the registration's node is not alive); the device registers again
 * on b, and b collects it once the dead node's lease has expired.
 */
class NodeTakeoverTest {

    /** Short for the test: how long a dead node's announcement and leases outlive it. */
    private static final Duration CLUSTER_TTL = Duration.ofSeconds(2);
    /** The time to live of the lease node a holds when it dies. */
    private static final Duration LONG_LEASE = Duration.ofSeconds(8);

    @TempDir
    Path dir;

    private TestRedis redis;
    private TestPostgres postgres;
    private TcpLink nodeALink;
    private PortfolioServer nodeA;
    private PortfolioServer nodeB;
    private UdpBalancer balancer;
    private Fleet fleet;
    private final CountDownLatch never = new CountDownLatch(1);
    private final ExecutorService holder = Executors.newSingleThreadExecutor();

    @BeforeEach
    void start() throws Exception {
        redis = TestRedis.open();
        postgres = TestPostgres.open();
        URI redisUri = URI.create(TestRedis.URI);
        nodeALink = new TcpLink(new InetSocketAddress(redisUri.getHost(), redisUri.getPort()));
        nodeA = node("a", dir.resolve("a"), "redis://127.0.0.1:" + nodeALink.port());
        Files.createDirectories(dir.resolve("b"));
        for (String file : List.of(SecretSealer.KEY_FILE_NAME, "server-identity.p12", "server-identity.p12.password")) {
            Files.copy(dir.resolve("a").resolve(file), dir.resolve("b").resolve(file));
        }
        nodeB = node("b", dir.resolve("b"), TestRedis.URI);
        nodeA.start();
        nodeB.start();
        balancer = new UdpBalancer(coapAddress(nodeA));
        fleet = new Fleet(nodeA, dir.resolve("clients"));
    }

    private PortfolioServer node(String name, Path data, String redisUri) throws Exception {
        return PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(0)
                .dataDirectory(data).jdbcUrl(postgres.jdbcUrl()).fleetMasterKey(Fleet.MASTER_KEY)
                .collector(CollectorConfig.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(15),
                        Duration.ofMillis(100)))
                .redis(redisUri).redisPrefix(redis.prefix()).nodeName(name).clusterTtl(CLUSTER_TTL).build();
    }

    private static InetSocketAddress coapAddress(PortfolioServer node) {
        URI uri = URI.create(node.coapUri());
        return new InetSocketAddress(uri.getHost(), uri.getPort());
    }

    @AfterEach
    void stop() throws Exception {
        never.countDown();
        holder.shutdownNow();
        if (fleet != null) {
            fleet.close();
        }
        if (balancer != null) {
            balancer.close();
        }
        for (PortfolioServer node : new PortfolioServer[] { nodeB, nodeA }) {
            if (node != null) {
                node.close();
            }
        }
        if (nodeALink != null) {
            nodeALink.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aDeadNodesDeviceIsRefusedItsUpdateRegistersOnALiveNodeAndIsCollectedThere() throws Exception {
        String endpoint = Fleet.newEndpoint("takeover");
        List<ResponseCode> updateRefusals = new CopyOnWriteArrayList<>();
        PortfolioClient.Builder client = fleet.client(endpoint, true)
                .serverUri("coap://127.0.0.1:" + balancer.port()).lifetime(10);
        // Both nodes trust the device's key (an operator gives them the same trust directory).
        new Fleet(nodeB, dir.resolve("clients")).client(endpoint, true);
        fleet.start(client, Fleet.HostSetup.certified("HDID-TKO"), new LwM2mClientObserverAdapter() {
            @Override
            public void onUpdateFailure(LwM2mServer server, UpdateRequest request, ResponseCode code,
                    String errorMessage, Exception cause) {
                updateRefusals.add(code);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> verdict(endpoint) != null);
        assertThat(registeredThrough(endpoint)).isEqualTo("a");
        Instant firstVerdict = verdict(endpoint).at();

        // Node a dies while it collects the device: its lease is held, and nothing of it is withdrawn. (A lease
        // that outlives the device's registering again, so that node b finds it in the way.)
        SharedRedis nodeAsOtherConnection = SharedRedis.connect("redis://127.0.0.1:" + nodeALink.port(),
                redis.prefix(), "a");
        RedisCollectionLeases nodeALeases = new RedisCollectionLeases(nodeAsOtherConnection, LONG_LEASE);
        CountDownLatch leaseHeld = new CountDownLatch(1);
        Instant leaseTaken = Instant.now();
        holder.submit(() -> nodeALeases.whileHeld(endpoint, () -> {
            leaseHeld.countDown();
            never.await();
        }));
        assertThat(leaseHeld.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        nodeALink.close();
        balancer.sendTo(coapAddress(nodeB));

        // Its next Update reaches node b: refused 4.04 once node a is known dead; it registers again on b.
        await().atMost(Duration.ofSeconds(40)).until(() -> "b".equals(registeredThrough(endpoint)));
        assertThat(updateRefusals).contains(ResponseCode.NOT_FOUND);
        // Node b collects it, after node a's lease has expired (tried again then, not dropped).
        await().atMost(Duration.ofSeconds(60)).until(() -> verdict(endpoint).at().isAfter(firstVerdict));
        assertThat(verdict(endpoint).outcome()).isEqualTo(VerificationOutcome.VERIFIED);
        assertThat(verdict(endpoint).at()).isAfter(leaseTaken.plus(LONG_LEASE).minusSeconds(1));
        assertThat(nodeB.collector().collectedCount()).isPositive();
        assertThat(nodeB.inventory().device(endpoint).orElseThrow().summary().online()).isTrue();
        nodeALeases.close();
        nodeAsOtherConnection.close();
    }

    private Verification verdict(String endpoint) {
        return nodeB.inventory().device(endpoint).map(device -> device.summary().lastVerification()).orElse(null);
    }

    private String registeredThrough(String endpoint) {
        Registration registration = nodeB.lwm2mServer().getRegistrationService().getByEndpoint(endpoint);
        return registration == null ? null : RedisRegistrationStore.nodeOf(registration);
    }
}
