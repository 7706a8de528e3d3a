package io.github.lwm2mportfolio.cli.bench;

import java.nio.file.Path;

import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.collector.ReregisterFastPath;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * Ours: the whole Portfolio server (collector asking for sign, H2 inventory, no REST API) on loopback. A device
 * is done when its verdict is stored: the "verdict" event follows the database write.
 */
final class PortfolioBenchServer implements BenchServer {

    /** The collector publishes a verdict's detail as "OUTCOME: reason". */
    private static final String ACCEPTED = VerificationOutcome.VERIFIED.name() + ":";

    private final PortfolioServer server;

    /**
     * @param dataDirectory where the H2 inventory and the server's DTLS identity go
     * @param trustDirectory the certificates that AuthData signatures chain to, or null
     */
    PortfolioBenchServer(DeviceOutcomes tracker, Path dataDirectory, Path trustDirectory) throws Exception {
        // The builder insists on CoAPS; on port 0 it stays idle since every client uses plain CoAP.
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(-1)
                .dataDirectory(dataDirectory).trustDirectory(trustDirectory)
                // The fast path on plain CoAP too: the bench's fleet registers again over the transport it measures.
                .collector(CollectorConfig.defaults().withService(AuthService.SIGN)
                        .withReregisterFastPath(ReregisterFastPath.ON)).build();
        // Subscribed for the server's lifetime: closing the server ends the events.
        server.events().subscribe(event -> report(tracker, event));
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
        default -> {
            // collections and retries on the way to a verdict
        }
        }
    }

    @Override
    public String start() {
        server.start();
        return server.coapUri();
    }

    @Override
    public void close() {
        server.close();
    }
}
