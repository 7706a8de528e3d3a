package io.github.lwm2mportfolio.server.e2e;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;

/**
 * The child process of {@link ServerCrashTest}: a server on an H2 file that collects its own clients again and
 * again, until it is killed. Standard output acknowledges what the inventory committed: "collected ENDPOINT" once a
 * collection's rows are written, "verified ENDPOINT" once a VERIFIED verdict is.
 */
public final class CollectingServerMain {

    private CollectingServerMain() {
    }

    /** @param args the data directory, the number of clients */
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int clients = Integer.parseInt(args[1]);
        PrintStream out = System.out;
        PortfolioServer server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0)
                .httpPort(-1).dataDirectory(data.resolve("server")).fleetMasterKey(Fleet.MASTER_KEY)
                .collector(CollectorConfig.defaults().withRecollectEvery(Duration.ofMillis(200))).build();
        server.events().subscribe(event -> {
            String line = switch (event.type()) {
            case "collected" -> "collected " + event.endpoint();
            case "verdict" -> event.detail().startsWith("VERIFIED") ? "verified " + event.endpoint() : null;
            default -> null;
            };
            if (line != null) {
                synchronized (out) {
                    out.println(line);
                    out.flush();
                }
            }
        });
        server.start();
        Fleet fleet = new Fleet(server, data.resolve("clients"));
        for (int i = 0; i < clients; i++) {
            String endpoint = "crash-" + i;
            fleet.start(fleet.client(endpoint, true), Fleet.HostSetup.certified("HD-" + endpoint));
        }
        Thread.sleep(Long.MAX_VALUE); // until killed
    }
}
