package io.github.lwm2mportfolio.cli.bench;

import java.nio.file.Path;
import java.util.Map;

import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.inventory.DeviceCredential;
import io.github.lwm2mportfolio.server.collector.ReregisterFastPath;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;
import io.github.lwm2mportfolio.server.registration.RegistrationLimits;

/**
 * Ours: the whole Portfolio server (collector asking for sign, H2 inventory, no REST API) on loopback; or one node
 * of several sharing a PostgreSQL inventory and Redis. A device
 * is done when its verdict is stored: the "verdict" event follows the database write. Over DTLS the fleet's
 * pre-shared keys are in the inventory before the server starts, as {@code portfolio credentials} puts them.
 */
final class PortfolioBenchServer implements BenchServer {

    /** The collector publishes a verdict's detail as "OUTCOME: reason". */
    private static final String ACCEPTED = VerificationOutcome.VERIFIED.name() + ":";
    /**
     * The whole simulated fleet registers from one address (127.0.0.1), where a real fleet comes from as many
     * addresses as devices: the per-source flood limit would measure itself, not the collection.
     */
    private static final RegistrationLimits ONE_ADDRESS_FLEET = RegistrationLimits.defaults()
            .withPerSource(Integer.MAX_VALUE, 1e9);

    private final PortfolioServer server;
    private final BenchTransport transport;

    /**
     * @param dataDirectory where the H2 inventory and the server's DTLS identity go
     * @param trustDirectory the certificates that AuthData signatures chain to, or null
     * @param preSharedKeys by endpoint (identity = endpoint), over DTLS
     * @param shared the PostgreSQL and Redis this node shares with the run's other nodes, or null for one server
     *        on its own H2 inventory
     */
    PortfolioBenchServer(DeviceOutcomes tracker, Path dataDirectory, Path trustDirectory, BenchTransport transport,
            Map<String, byte[]> preSharedKeys, SharedStores shared) throws Exception {
        this.transport = transport;
        // The builder insists on CoAPS; over plain CoAP it stays idle on a free port. Over DTLS plain CoAP is off.
        PortfolioServer.Builder builder = PortfolioServer.builder().bindHost("127.0.0.1")
                .coapPort(transport == BenchTransport.DTLS ? -1 : 0).coapsPort(0).httpPort(-1)
                .dataDirectory(dataDirectory).trustDirectory(trustDirectory).registrationLimits(ONE_ADDRESS_FLEET)
                // The fast path on plain CoAP too: the bench's fleet registers again over the transport it measures.
                .collector(CollectorConfig.defaults().withService(AuthService.SIGN)
                        .withReregisterFastPath(ReregisterFastPath.ON));
        if (shared != null) {
            builder.jdbcUrl(shared.jdbcUrl()).redis(shared.redisUri()).redisPrefix(shared.redisPrefix())
                    .nodeName(shared.node());
        }
        server = builder.build();
        if (transport == BenchTransport.DTLS) {
            preSharedKeys.forEach((endpoint, key) -> server.inventory().putCredential(
                    new DeviceCredential(endpoint, DeviceCredential.Kind.PSK, endpoint, key)));
        }
        // Subscribed for the server's lifetime: closing the server ends the events. A node counts only its own
        // devices: the other nodes' events, relayed through Redis, are theirs to count.
        if (shared == null) {
            server.events().subscribe(event -> report(tracker, event));
        } else {
            server.events().subscribeLocal(event -> report(tracker, event));
        }
    }

    private static void report(DeviceOutcomes tracker, ServerEvents.Event event) {
        switch (event.type()) {
        case "registered" -> tracker.registered(event.endpoint());
        case "verdict" -> {
            if (event.detail().startsWith(ACCEPTED)) {
                tracker.succeeded(event.endpoint());
            } else {
                tracker.failed(event.endpoint(), "verdict " + event.detail());
            }
        }
        case "deregistered" -> {
            // The simulator deregisters its warm-up fleet once it has answered the AuthData reads, which can be
            // before the verdict of the last one is stored: that device is done with, or the warm-up never ends.
            if (event.endpoint().startsWith(WarmupRouter.PREFIX)) {
                tracker.failed(event.endpoint(), "deregistered before its verdict");
            }
        }
        default -> {
            // collections and retries on the way to a verdict
        }
        }
    }

    @Override
    public String start() {
        server.start();
        return transport == BenchTransport.DTLS ? server.coapsUri() : server.coapUri();
    }

    @Override
    public void close() {
        server.close();
    }
}
