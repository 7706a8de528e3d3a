package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.UpdateRequest;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;

/**
 * A device behind a NAT that gives it another port in the middle of its DTLS session: the server's Connection ID
 * (RFC 9146) in the device's records keeps the session, with no new handshake, and the server's requests follow the
 * device to its new address once its registration update came from there.
 */
class NatRebindingTest {

    @TempDir
    Path dir;

    private PortfolioServer server;
    private Fleet fleet;
    private NatRelay nat;

    @BeforeEach
    void start() throws Exception {
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(-1).coapsPort(0).httpPort(-1)
                .dataDirectory(dir.resolve("server")).fleetMasterKey(Fleet.MASTER_KEY)
                .collector(CollectorConfig.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(15),
                        Duration.ofMillis(100)))
                .build();
        server.start();
        fleet = new Fleet(server, dir.resolve("clients"));
        nat = new NatRelay(socketAddress(server.coapsUri()));
    }

    @AfterEach
    void stop() {
        if (fleet != null) {
            fleet.close();
        }
        if (nat != null) {
            nat.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void after_a_nat_rebinding_the_session_goes_on_without_a_handshake_and_requests_reach_the_device()
            throws Exception {
        AtomicInteger updates = new AtomicInteger();
        String endpoint = Fleet.newEndpoint("natted");
        PortfolioClient client = fleet.start(fleet.pskClient(endpoint).serverUri(coapsUri(nat.address())),
                Fleet.HostSetup.certified("HDID-NAT"), countUpdates(updates));
        await().atMost(Duration.ofSeconds(30)).until(() -> registeredFrom(endpoint, nat.outsideAddress()));
        int helloes = nat.clientHellos();
        assertThat(helloes).isPositive();

        nat.rebind();
        InetSocketAddress rebound = nat.outsideAddress();
        client.leshanClient().triggerRegistrationUpdate();

        // The update came through the old session from the new port, the device had the answer, and the
        // registration moved there.
        await().atMost(Duration.ofSeconds(30)).until(() -> updates.get() == 1);
        assertThat(registeredFrom(endpoint, rebound)).isTrue();
        Registration registration = server.lwm2mServer().getRegistrationService().getByEndpoint(endpoint);
        ReadResponse manufacturer = server.lwm2mServer().send(registration, new ReadRequest(3, 0, 0), 20_000);
        assertThat(manufacturer).isNotNull();
        assertThat(manufacturer.isSuccess()).as("%s", manufacturer).isTrue();
        assertThat(((LwM2mSingleResource) manufacturer.getContent()).getValue()).asString().isNotBlank();
        assertThat(nat.clientHellos()).as("ClientHellos after the rebinding").isEqualTo(helloes);
    }

    /** Counts the registration updates that the client saw succeed (answered by the server). */
    static LwM2mClientObserverAdapter countUpdates(AtomicInteger updates) {
        return new LwM2mClientObserverAdapter() {
            @Override
            public void onUpdateSuccess(LwM2mServer server, UpdateRequest request) {
                updates.incrementAndGet();
            }
        };
    }

    private boolean registeredFrom(String endpoint, InetSocketAddress address) {
        Registration registration = server.lwm2mServer().getRegistrationService().getByEndpoint(endpoint);
        return registration != null
                && ((IpPeer) registration.getClientTransportData()).getSocketAddress().equals(address);
    }

    static InetSocketAddress socketAddress(String uri) {
        URI parsed = URI.create(uri);
        return new InetSocketAddress(parsed.getHost(), parsed.getPort());
    }

    static String coapsUri(InetSocketAddress address) {
        return "coaps://" + address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
