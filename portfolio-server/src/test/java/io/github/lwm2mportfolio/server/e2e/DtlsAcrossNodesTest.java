package io.github.lwm2mportfolio.server.e2e;

import static io.github.lwm2mportfolio.server.e2e.NatRebindingTest.coapsUri;
import static io.github.lwm2mportfolio.server.e2e.NatRebindingTest.countUpdates;
import static io.github.lwm2mportfolio.server.e2e.NatRebindingTest.socketAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.inventory.SecretSealer;
import io.github.lwm2mportfolio.server.redis.RedisRegistrationStore;
import io.github.lwm2mportfolio.server.redis.TestPostgres;
import io.github.lwm2mportfolio.server.registration.RawRegistrations;
import io.github.lwm2mportfolio.server.redis.TestRedis;

/**
 * Two nodes behind a load balancer; after the device's handshake with node a, a NAT rebinding gives it a new source
 * address. A balancer that routes by source address now sends its datagrams to node b: with --dtls-cluster node b
 * finds node a's id in the Connection ID and hands the record to node a, which keeps the session (no new
 * handshake), and node a's answers and requests go back out through node b. A balancer that routes by the CID's node
 * id sends them to node a itself.
 */
class DtlsAcrossNodesTest {

    @TempDir
    Path dir;

    private TestRedis redis;
    private TestPostgres postgres;
    private PortfolioServer nodeA;
    private PortfolioServer nodeB;
    private Fleet fleet;
    private NatRelay balancer;

    @BeforeEach
    void open() {
        redis = TestRedis.open();
        postgres = TestPostgres.open();
    }

    /** Nodes a and b, DTLS node ids 1 and 2, forwarding records between them or not; the balancer on node a. */
    private void startNodes(boolean forwarding) throws Exception {
        nodeA = node("a", 1, forwarding, dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        for (String file : new String[] { SecretSealer.KEY_FILE_NAME, "server-identity.p12",
                "server-identity.p12.password" }) {
            Files.copy(dir.resolve("a").resolve(file), dir.resolve("b").resolve(file));
        }
        nodeB = node("b", 2, forwarding, dir.resolve("b"));
        nodeA.start();
        nodeB.start();
        fleet = new Fleet(nodeA, dir.resolve("clients"));
        balancer = new NatRelay(socketAddress(nodeA.coapsUri()));
    }

    private PortfolioServer node(String name, int dtlsNodeId, boolean forwarding, Path data) throws Exception {
        return PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(-1)
                .dataDirectory(data).jdbcUrl(postgres.jdbcUrl()).fleetMasterKey(Fleet.MASTER_KEY)
                .collector(CollectorConfig.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(15),
                        Duration.ofMillis(100)))
                .redis(TestRedis.URI).redisPrefix(redis.prefix()).nodeName(name).dtlsNodeId(dtlsNodeId)
                .dtlsCluster(forwarding ? new InetSocketAddress(InetAddress.getLoopbackAddress(), 0) : null).build();
    }

    @AfterEach
    void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
        if (balancer != null) {
            balancer.close();
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
    void a_device_whose_datagrams_reach_another_node_keeps_its_session_on_the_node_that_holds_it() throws Exception {
        startNodes(true);
        AtomicInteger updates = new AtomicInteger();
        String endpoint = Fleet.newEndpoint("balanced");
        PortfolioClient client = fleet.start(fleet.pskClient(endpoint).serverUri(coapsUri(balancer.address())),
                Fleet.HostSetup.certified("HDID-LB"), countUpdates(updates));
        await().atMost(Duration.ofSeconds(30)).until(() -> registeredFrom(endpoint, balancer.outsideAddress()));
        int helloes = balancer.clientHellos();
        assertThat(helloes).isPositive();
        // Both nodes published where they take forwarded records (the others read it within 2 s; a record that
        // comes sooner is dropped and the device's retransmission goes through).
        await().atMost(Duration.ofSeconds(10)).until(() -> publishedClusterAddresses() == 2);

        balancer.sendTo(socketAddress(nodeB.coapsUri()));
        InetSocketAddress viaB = balancer.outsideAddress();
        client.leshanClient().triggerRegistrationUpdate();

        // Node a handled the update (its session, its endpoint) though the datagrams went to node b, and its answer
        // reached the device back through node b.
        await().atMost(Duration.ofSeconds(30)).until(() -> updates.get() == 1);
        assertThat(registeredFrom(endpoint, viaB)).isTrue();
        Registration registration = nodeA.lwm2mServer().getRegistrationService().getByEndpoint(endpoint);
        assertThat(registration.getEndpointUri().toString()).isEqualTo(nodeA.coapsUri());
        // Node a's request goes out through node b, the address the balancer knows, and reaches the device.
        ReadResponse read = nodeA.lwm2mServer().send(registration, new ReadRequest(3, 0, 0), 20_000);
        assertThat(read).isNotNull();
        assertThat(read.isSuccess()).as("%s", read).isTrue();
        assertThat(balancer.clientHellos()).as("ClientHellos after the move to node b").isEqualTo(helloes);
    }

    @Test
    void a_balancer_routing_by_cid_sends_the_records_to_the_node_holding_the_session_without_forwarding()
            throws Exception {
        startNodes(false);
        balancer.routeByCid(Map.of(1, socketAddress(nodeA.coapsUri()), 2, socketAddress(nodeB.coapsUri())));
        AtomicInteger updates = new AtomicInteger();
        String endpoint = Fleet.newEndpoint("routed");
        PortfolioClient client = fleet.start(fleet.pskClient(endpoint).serverUri(coapsUri(balancer.address())),
                Fleet.HostSetup.certified("HDID-CID"), countUpdates(updates));
        await().atMost(Duration.ofSeconds(30)).until(() -> registeredFrom(endpoint, balancer.outsideAddress()));
        int helloes = balancer.clientHellos();

        // A new source port: routing by address would now pick node b; the CID still names node a.
        balancer.sendTo(socketAddress(nodeB.coapsUri()));
        InetSocketAddress rebound = balancer.outsideAddress();
        client.leshanClient().triggerRegistrationUpdate();

        await().atMost(Duration.ofSeconds(30)).until(() -> updates.get() == 1);
        assertThat(registeredFrom(endpoint, rebound)).isTrue();
        Registration registration = nodeA.lwm2mServer().getRegistrationService().getByEndpoint(endpoint);
        assertThat(registration.getEndpointUri().toString()).isEqualTo(nodeA.coapsUri());
        ReadResponse read = nodeA.lwm2mServer().send(registration, new ReadRequest(3, 0, 0), 20_000);
        assertThat(read).isNotNull();
        assertThat(read.isSuccess()).as("%s", read).isTrue();
        assertThat(balancer.clientHellos()).as("ClientHellos after the rebinding").isEqualTo(helloes);
    }

    @Test
    void an_update_over_plain_coap_through_another_node_is_taken_and_the_registration_stays_with_its_node()
            throws Exception {
        startNodes(false);
        String endpoint = Fleet.newEndpoint("strayed");
        try (RawRegistrations toA = new RawRegistrations(nodeA.coapUri(), InetAddress.getLoopbackAddress());
                RawRegistrations toB = new RawRegistrations(nodeB.coapUri(), InetAddress.getLoopbackAddress())) {
            CoapResponse registered = toA.register(endpoint, "300", "</1/0>,</3/0>");
            assertThat(registered.getCode()).isEqualTo(CoAP.ResponseCode.CREATED);

            CoapResponse update = toB.update("/" + registered.getOptions().getLocationPathString(), "300");

            // Plain CoAP holds no session: node a can still reach the device, and keeps its registration.
            assertThat(update.getCode()).isEqualTo(CoAP.ResponseCode.CHANGED);
            Registration registration = nodeB.lwm2mServer().getRegistrationService().getByEndpoint(endpoint);
            assertThat(RedisRegistrationStore.nodeOf(registration)).isEqualTo("a");
            assertThat(registration.getEndpointUri().toString()).isEqualTo(nodeA.coapUri());
        }
    }

    /** The nodes whose claim of a DTLS node id in Redis carries their cluster address ("name host port"). */
    private long publishedClusterAddresses() {
        var probe = redis.connect("probe").commands();
        return redis.keys().stream().filter(key -> key.contains("dtls-node:")).map(probe::get)
                .filter(value -> value != null && value.split(" ").length == 3).count();
    }

    private boolean registeredFrom(String endpoint, InetSocketAddress address) {
        Registration registration = nodeA.lwm2mServer().getRegistrationService().getByEndpoint(endpoint);
        return registration != null
                && ((IpPeer) registration.getClientTransportData()).getSocketAddress().equals(address);
    }
}
