package io.github.lwm2mportfolio.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.lwm2mportfolio.server.ListenerProbe;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.rest.RestSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code portfolio demo}: the server on an embedded database plus a simulated fleet; prints the fleet table
 * once collection settles, then serves the REST API until Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the server with an embedded database and a simulated fleet, then show the fleet.")
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--clients", defaultValue = "20", description = "Simulated devices. Default: ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--http-port", defaultValue = "8080", description = "REST API port. Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(names = "--coap-port", defaultValue = "5683", description = "CoAP port. Default: ${DEFAULT-VALUE}.")
    int coapPort;

    @Option(names = "--coaps-port", defaultValue = "5684", description = "CoAPs port. Default: ${DEFAULT-VALUE}.")
    int coapsPort;

    @Option(names = "--data", defaultValue = "portfolio-data/demo", description = "Data directory. Default: ${DEFAULT-VALUE}.")
    Path dataDirectory;

    @Option(names = "--settle-timeout", defaultValue = "60s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for collection to settle (e.g. 30s, 2m or ISO-8601 PT30S). Default: "
                    + "${DEFAULT-VALUE}.")
    Duration settleTimeout;

    @Option(names = "--once", description = "Exit after printing the settled fleet instead of serving until Ctrl-C.")
    boolean once;

    @Option(names = "--new-admin-token", description = "Replace the admin token named 'admin' with a new one and "
            + "print it (when the first one is lost).")
    boolean newAdminToken;

    @Option(names = "--shutdown-grace", defaultValue = "10s", paramLabel = "DURATION",
            converter = DurationConverter.class, description = "On SIGTERM or Ctrl-C, how long the collections under "
            + "way may take to finish; those still running then are recorded as interrupted. A second signal exits "
            + "at once. Default: ${DEFAULT-VALUE}.")
    Duration shutdownGrace;

    /** Counted down by a stop signal: the wait for the fleet to settle ends with it. */
    private CountDownLatch stopRequested = new CountDownLatch(1);

    /** Whether the fleet settled within --settle-timeout: with --once, not settling is a failure (exit 1). */
    private volatile boolean fleetSettled;

    /** The demo's own token for printing the fleet table through the API; revoked once it is printed. */
    private static final String TABLE_TOKEN = "demo-table";

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || clients > 1000) {
            throw new ParameterException(spec.commandLine(), "--clients must be 1 to 1000, got " + clients);
        }
        // Before anything is made: a demo that cannot listen leaves no data behind.
        ListenerProbe.check("127.0.0.1", coapPort, coapsPort, RestSettings.DEFAULT_HOST, httpPort);
        Options.writableDirectory(spec, "--data", dataDirectory);
        PrintWriter out = spec.commandLine().getOut();
        PortfolioServer server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(coapPort)
                .coapsPort(coapsPort).httpPort(httpPort).dataDirectory(dataDirectory.resolve("server")).build();
        server.inventory().replaceCertifications(new CertificationList(DemoFleet.certifications(),
                server.inventory().certifications().allocatedUniqueIds()));
        ServerCommand.printAdminToken(server, newAdminToken, out);
        if (once) {
            try (server) {
                server.start();
                runFleet(server, out).close();
            }
            if (!fleetSettled) {
                throw new IllegalStateException("collection did not settle within "
                        + DurationConverter.format(settleTimeout) + " (the table above is the fleet so far): give it longer with --settle-timeout");
            }
            return 0;
        }
        try (StopSignals signals = StopSignals.install(out)) {
            stopRequested = signals.requested();
            ServerCommand.runUntilStopped(server, out, true, () -> runFleet(server, out), signals, shutdownGrace);
        }
        return 0;
    }

    /** Starts the fleet, waits for collection to settle and prints the fleet; returns the running fleet. */
    private DemoFleet runFleet(PortfolioServer server, PrintWriter out) throws Exception {
        Set<String> settled = ConcurrentHashMap.newKeySet();
        DemoFleet fleet = null;
        try (AutoCloseable subscription = server.events().subscribe(event -> {
            // Settled: a verdict, or a collection that found no host instance to challenge (NO_PORTFOLIO: no object
            // 16 or no /3/0/22 link; a linked instance without values is challenged, so it ends with a verdict).
            if (event.type().equals("verdict") || event.type().equals("collected") && server.inventory()
                    .device(event.endpoint()).map(d -> d.summary().state() == ComplianceState.NO_PORTFOLIO)
                    .orElse(false)) {
                settled.add(event.endpoint());
            }
        })) {
            fleet = DemoFleet.start(clients, server.coapUri(), dataDirectory.resolve("clients"), server.keys());
            out.println("started " + clients + " simulated devices; collecting...");
            out.flush();
            boolean done = awaitSettled(server, fleet.endpoints(), settled, out);
            fleetSettled = done;
            out.println(done ? "collection settled:" : "collection did not settle within "
                    + DurationConverter.format(settleTimeout) + "; the fleet so far:");
            out.flush();
            printFleet(server, out);
            return fleet;
        } catch (Exception | Error e) {
            if (fleet != null) {
                fleet.close();
            }
            throw e;
        }
    }

    /** The fleet table through the REST API, as {@code portfolio inventory} shows it, with a token of its own. */
    private void printFleet(PortfolioServer server, PrintWriter out) throws java.io.IOException {
        server.tokens().revoke(TABLE_TOKEN); // left by a demo that was killed
        String token = server.tokens().create(TABLE_TOKEN, Role.VIEWER).secret();
        // In a file, as a user would give it: --token would warn that it shows in the process list.
        Path tokenFile = dataDirectory.resolve(TABLE_TOKEN + ".token");
        try {
            SecretFiles.writeLine(tokenFile, token);
            new CommandLine(new InventoryCommand()).setOut(out).setErr(spec.commandLine().getErr())
                    .execute("--url", server.restUri(), "--token-file", tokenFile.toString());
            out.flush();
        } finally {
            server.tokens().revoke(TABLE_TOKEN);
            Files.deleteIfExists(tokenFile);
        }
    }

    /** Waits until every device was collected and, where it has a host instance, got a verdict. */
    private boolean awaitSettled(PortfolioServer server, List<String> endpoints, Set<String> settledEndpoints,
            PrintWriter out) throws InterruptedException {
        long deadline = System.nanoTime() + settleTimeout.toNanos();
        int lastReported = -1;
        while (System.nanoTime() < deadline) {
            int settled = (int) endpoints.stream().filter(settledEndpoints::contains).count();
            if (settled != lastReported) {
                out.println("  settled " + settled + "/" + endpoints.size());
                out.flush();
                lastReported = settled;
            }
            if (settled == endpoints.size() && server.collector().pendingCount() == 0) {
                return true;
            }
            if (stopRequested.await(250, TimeUnit.MILLISECONDS)) {
                return false;
            }
        }
        return false;
    }
}
