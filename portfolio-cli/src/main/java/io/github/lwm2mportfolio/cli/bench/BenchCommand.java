package io.github.lwm2mportfolio.cli.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.github.lwm2mportfolio.cli.DurationConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code portfolio bench}: the fleet benchmark. For each N, transport, load and run, a bench-server JVM and a simulator
 * JVM on loopback, bare Leshan and ours in turn; then a table on the terminal, results.json and chart.png.
 * Exit 1 when a run failed (the others still count), 2 for bad options.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Fleet benchmark: the Portfolio collection beside bare Leshan, server and simulated fleet "
                + "in separate JVMs on loopback.")
public final class BenchCommand implements Callable<Integer> {

    private static final DateTimeFormatter DIRECTORY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss",
            Locale.ROOT);

    @Spec
    CommandSpec spec;

    @Option(names = "--clients", split = ",", defaultValue = "100,1000,10000", paramLabel = "N[,N...]",
            description = "Fleet sizes. Default: ${DEFAULT-VALUE}.")
    List<Integer> clients;

    @Option(names = "--rate", defaultValue = "100",
            description = "Offered registrations per second of the 'rate' load (latency). Default: ${DEFAULT-VALUE}.")
    int rate;

    @Option(names = "--runs", defaultValue = "3", description = "Runs of each N, load and mode; the table shows "
            + "their medians. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--modes", split = ",", defaultValue = "baseline,floor,portfolio",
            paramLabel = "MODE[,MODE...]", description = "Servers to run: baseline (bare Leshan reading /3/0), floor "
                    + "(bare Leshan making ours' exchanges and checking the same signatures, storing nothing) and/or "
                    + "portfolio. Default: ${DEFAULT-VALUE}.")
    List<String> modes;

    @Option(names = "--loads", split = ",", defaultValue = "rate,flat", paramLabel = "LOAD[,LOAD...]",
            description = "rate (--rate registrations/s, for latency), flat (as fast as possible, for throughput) "
                    + "and/or reregister (the fleet registers flat out and is collected, then all of it registers "
                    + "again at once without deregistering, as after an outage; the second wave is measured). "
                    + "Default: ${DEFAULT-VALUE}.")
    List<String> loads;

    @Option(names = "--transport", split = ",", defaultValue = "coap", paramLabel = "TRANSPORT[,TRANSPORT...]",
            description = "coap and/or dtls (DTLS 1.2 with a pre-shared key per device, "
                    + "TLS_PSK_WITH_AES_128_CCM_8; every server knows the fleet's keys before it starts). "
                    + "Default: ${DEFAULT-VALUE}.")
    List<String> transports;

    @Option(names = "--out", description = "Directory for results.json, chart.png and the runs' logs. "
            + "Default: bench-results/DATE-TIME.")
    Path out;

    @Option(names = "--warmup", defaultValue = "3000", description = "Devices each server JVM serves first, not "
            + "measured, so that its code is compiled; 0 for none. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--timeout", defaultValue = "10m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Longest wait for one run's devices (e.g. 10m, or ISO-8601). Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--nodes", split = ",", paramLabel = "COUNT[,COUNT...]",
            description = "Run ours as this many nodes sharing PostgreSQL (--db) and Redis (--redis), each count in "
                    + "turn (1 to 8, e.g. 1,2); the simulator spreads the devices over the nodes as a UDP load "
                    + "balancer hashing the source would. Default: one server on its own H2 inventory.")
    List<Integer> nodes = List.of();

    @Option(names = "--db", paramLabel = "JDBC_URL", description = "With --nodes: the PostgreSQL the nodes share "
            + "(jdbc:postgresql://...); each run gets a fresh schema, dropped after.")
    String database;

    @Option(names = "--redis", paramLabel = "URI", description = "With --nodes: the Redis the nodes share "
            + "(redis://HOST:PORT); each run gets a fresh key prefix, its keys deleted after.")
    String redis;

    @Override
    public Integer call() throws Exception {
        BenchSettings settings = settings();
        Path directory = out != null ? out
                : Path.of("bench-results", LocalDateTime.now().format(DIRECTORY_TIME));
        Path logs = Files.createDirectories(directory.resolve("logs"));
        PrintWriter terminal = spec.commandLine().getOut();
        Instant startedAt = Instant.now();
        Pinning pinning = Pinning.detect();
        MachineInfo machine = MachineInfo.probe(pinning);
        List<RunSpec> plan = settings.plan();
        terminal.printf("Fleet benchmark: %d runs, results in %s%nCPUs: %s%n", plan.size(), directory,
                pinning.description());
        terminal.flush();

        BenchRun runner = new BenchRun(JavaLauncher.current(), pinning, settings, logs);
        Thread stopRuns = new Thread(runner::stopAll, "bench-stop-runs");
        Runtime.getRuntime().addShutdownHook(stopRuns);
        List<RunResult> results = new ArrayList<>();
        try {
            for (RunSpec run : plan) {
                terminal.printf("[%d/%d] %s: ", results.size() + 1, plan.size(), run.describe());
                terminal.flush();
                RunResult result = runner.execute(run);
                results.add(result);
                terminal.println(outcome(result));
                terminal.flush();
            }
        } finally {
            Runtime.getRuntime().removeShutdownHook(stopRuns);
        }

        BenchSummary summary = BenchSummary.of(settings, results);
        terminal.println();
        terminal.print(ResultsTable.render(settings, machine, summary, results));
        ResultsJson.write(directory.resolve("results.json"), startedAt, settings, machine, results, summary);
        ResultsChart.write(directory.resolve("chart.png"), settings, summary);
        terminal.println("Wrote " + directory.resolve("results.json") + " and " + directory.resolve("chart.png"));
        terminal.flush();
        return results.stream().anyMatch(r -> r.failure() != null) ? 1 : 0;
    }

    /** The options checked into settings; a bad one is bad usage (exit 2) with a one-line message. */
    BenchSettings settings() {
        if (clients.isEmpty() || clients.stream().anyMatch(n -> n < 1)) {
            throw bad("--clients must be a list of fleet sizes of at least 1, got " + clients);
        }
        if (rate < 1) {
            throw bad("--rate must be at least 1 registration/s, got " + rate);
        }
        if (runs < 1) {
            throw bad("--runs must be at least 1, got " + runs);
        }
        if (warmup < 0) {
            throw bad("--warmup must be 0 or more, got " + warmup);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw bad("--timeout must be positive, got " + timeout);
        }
        List<BenchMode> benchModes = new ArrayList<>();
        for (String mode : modes) {
            benchModes.add(BenchMode.fromId(mode)
                    .orElseThrow(() -> bad("--modes must be among baseline, floor and portfolio, got '" + mode + "'")));
        }
        List<BenchLoad> benchLoads = new ArrayList<>();
        for (String load : loads) {
            benchLoads.add(BenchLoad.fromId(load)
                    .orElseThrow(() -> bad("--loads must be among rate, flat and reregister, got '" + load + "'")));
        }
        List<BenchTransport> benchTransports = new ArrayList<>();
        for (String transport : transports) {
            benchTransports.add(BenchTransport.fromId(transport)
                    .orElseThrow(() -> bad("--transport must be coap and/or dtls, got '" + transport + "'")));
        }
        checkNodes(benchModes, benchTransports);
        return new BenchSettings(clients.stream().distinct().toList(), rate, runs,
                benchModes.stream().distinct().toList(), benchLoads.stream().distinct().toList(),
                benchTransports.stream().distinct().toList(), timeout.toSeconds(), warmup,
                nodes.stream().distinct().toList(), database, redis);
    }

    private void checkNodes(List<BenchMode> benchModes, List<BenchTransport> benchTransports) {
        if (nodes.isEmpty()) {
            if (database != null || redis != null) {
                throw bad("--db and --redis are for ours as nodes: give --nodes too");
            }
            return;
        }
        if (nodes.stream().anyMatch(n -> n < 1 || n > 8)) {
            throw bad("--nodes must be a list of node counts from 1 to 8, got " + nodes);
        }
        if (!benchModes.contains(BenchMode.PORTFOLIO)) {
            throw bad("--nodes runs ours as nodes: --modes must include portfolio");
        }
        if (database == null || !database.startsWith("jdbc:postgresql://")) {
            throw bad("--nodes needs --db jdbc:postgresql://HOST:PORT/DB, the inventory the nodes share, got "
                    + (database == null ? "none" : "'" + database + "'"));
        }
        if (redis == null || !redis.startsWith("redis://")) {
            throw bad("--nodes needs --redis redis://HOST:PORT, the Redis the nodes share, got "
                    + (redis == null ? "none" : "'" + redis + "'"));
        }
        if (benchTransports.contains(BenchTransport.DTLS)) {
            // A DTLS session lives on one node: spreading datagrams needs a balancer that keeps sessions.
            throw bad("--nodes runs over plain CoAP only: --transport dtls needs a load balancer that keeps each "
                    + "DTLS session on its node (docs/SCALING.md)");
        }
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static String outcome(RunResult result) {
        ServerResult server = result.server();
        String figures = server == null ? ""
                : String.format(Locale.ROOT, "%.1f devices/s, p50 %.2f ms, p99 %.2f ms", server.devicesPerSecond(),
                        server.p50Ms(), server.p99Ms());
        if (result.failure() == null) {
            return figures;
        }
        return "FAILED: " + result.failure() + (figures.isEmpty() ? "" : " (" + figures + ")");
    }
}
