package io.github.lwm2mportfolio.cli.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.lwm2mportfolio.cli.simulate.SimulateCommand;
import io.github.lwm2mportfolio.cli.simulate.SimulatorAuthority;
import io.github.lwm2mportfolio.cli.simulate.SourceHashBalancer;

/**
 * Runs one {@link RunSpec}: the bench-server JVM (ours as nodes: one per node, sharing a fresh PostgreSQL schema and
 * Redis key prefix, all on the server's CPU), then the simulator JVM against it, each pinned as the
 * {@link Pinning} says; for the reregister load waits for the server's WAVE (the first registration of every
 * client done) and then tells the simulator, by a line on its standard input, to register every client again;
 * waits for the server's RESULT, stops the simulator with SIGTERM (it deregisters and
 * writes its stats file), then the server. Whatever goes wrong becomes the run's failure reason.
 */
final class BenchRun {

    /** The same fleet every run: host identities, keys and the simulator's CA all come from it. */
    static final long SEED = 1;
    private static final Duration READY_WAIT = Duration.ofSeconds(60);
    /** Beyond the server's own timeout, for its RESULT line to come. */
    private static final Duration RESULT_GRACE = Duration.ofSeconds(60);
    /** Deregistering 10,000 clients on one CPU takes a while. */
    private static final Duration SIMULATOR_STOP_WAIT = Duration.ofMinutes(3);

    private final JavaLauncher launcher;
    private final Pinning pinning;
    private final BenchSettings settings;
    private final Path logDirectory;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    BenchRun(JavaLauncher launcher, Pinning pinning, BenchSettings settings, Path logDirectory) {
        this.launcher = launcher;
        this.pinning = pinning;
        this.settings = settings;
        this.logDirectory = logDirectory;
    }

    RunResult execute(RunSpec spec) throws InterruptedException {
        try (ScratchDirectory serverData = ScratchDirectory.onDisk("portfolio-bench-server-")) {
            return measure(spec, serverData.path());
        } catch (IOException | UncheckedIOException | GeneralSecurityException e) {
            return new RunResult(spec, "cannot run: " + e.getMessage(), null, null, null);
        } finally {
            running.clear();
        }
    }

    /** Stops the processes of the run under way, when the bench itself is stopped. */
    void stopAll() {
        running.forEach(Process::destroy);
    }

    private RunResult measure(RunSpec spec, Path serverData)
            throws IOException, GeneralSecurityException, InterruptedException {
        List<String> problems = new ArrayList<>();
        List<NodeResult> nodes = new ArrayList<>();
        ServerResult serverResult = null;
        ServerResult firstWave = null;
        SimulatorStats simulatorStats = null;
        SharedStorage storage = null;
        Path statsFile = logDirectory.resolve(spec.fileStem() + "-simulator-stats.json");
        Files.deleteIfExists(statsFile);
        List<ServerProcess> servers = new ArrayList<>();
        // Closed after the servers: the schema and the keys go once no node uses them.
        try (SharedRun shared = spec.nodes() == 0 ? null : SharedRun.open(settings.database(), settings.redis())) {
            try {
                List<String> uris = new ArrayList<>();
                // One after the other: the first node makes the data directory's keys, the others read them.
                for (int node = 0; node < Math.max(1, spec.nodes()); node++) {
                    ServerProcess server = startServer(spec, serverData, shared, node);
                    servers.add(server);
                    uris.add(server.awaitLine(BenchServerCommand.READY, READY_WAIT, null, null));
                }
                Process simulator = startSimulator(spec, uris, statsFile);
                try {
                    List<ServerResult> waves = new ArrayList<>();
                    if (spec.load() == BenchLoad.REREGISTER) {
                        for (ServerProcess server : servers) {
                            waves.add(BenchJson.mapper().readValue(server.awaitLine(BenchServerCommand.WAVE,
                                    runWait(), simulator, "simulator"), ServerResult.class));
                        }
                        firstWave = NodeSum.of(waves);
                        problems.addAll(problemsOf(firstWave).stream().map(p -> "first wave: " + p).toList());
                        if (!firstWave.timedOut()) {
                            reregister(simulator);
                        }
                    }
                    List<ServerResult> results = new ArrayList<>();
                    for (ServerProcess server : servers) {
                        results.add(BenchJson.mapper().readValue(server.awaitLine(BenchServerCommand.RESULT,
                                runWait(), simulator, "simulator"), ServerResult.class));
                    }
                    serverResult = NodeSum.of(results);
                    problems.addAll(problemsOf(serverResult));
                    if (shared != null) {
                        for (int node = 0; node < results.size(); node++) {
                            nodes.add(new NodeResult(nodeName(node), waves.isEmpty() ? null : waves.get(node),
                                    results.get(node)));
                        }
                        storage = shared.measure(spec.clients());
                    }
                } finally {
                    simulatorStats = stopSimulator(simulator, statsFile, problems);
                }
            } finally {
                servers.forEach(ServerProcess::close);
            }
        } catch (RunFailure failure) {
            problems.add(0, failure.getMessage());
        }
        return new RunResult(spec, problems.isEmpty() ? null : String.join("; ", problems), serverResult, firstWave,
                simulatorStats, nodes, storage);
    }

    private Duration runWait() {
        return Duration.ofSeconds(settings.timeoutSeconds()).plus(RESULT_GRACE);
    }

    /** a, b, c...: the names of ours' nodes in a run. */
    private static String nodeName(int node) {
        return String.valueOf((char) ('a' + node));
    }

    /**
     * @param shared the stores of ours as nodes, or null for a server on its own
     * @param node which node, from 0: it serves the devices a load balancer hashing their source sends it
     */
    private ServerProcess startServer(RunSpec spec, Path data, SharedRun shared, int node)
            throws IOException, GeneralSecurityException {
        int clients = spec.clients();
        int warmup = settings.warmup();
        if (shared != null) {
            clients = SourceHashBalancer.counts(SimulateCommand.DEFAULT_PREFIX, clients, spec.nodes())[node];
            warmup = SourceHashBalancer.counts(SimulateCommand.WARMUP_PREFIX, warmup, spec.nodes())[node];
        }
        List<String> arguments = new ArrayList<>(List.of("bench-server", "--mode", spec.mode().id(), "--clients",
                String.valueOf(clients), "--warmup", String.valueOf(warmup), "--timeout",
                Duration.ofSeconds(settings.timeoutSeconds()).toString(), "--transport", spec.transport().id(),
                "--seed", String.valueOf(SEED)));
        if (spec.load() == BenchLoad.REREGISTER) {
            arguments.add("--reregister");
        }
        if (spec.mode().portfolioClients() && node == 0) {
            // The server reads its trust anchors at start: the simulator's CA comes from the same seed.
            SimulatorAuthority.fromSeed(SEED).writeCertificate(Files.createDirectories(data.resolve("trust")));
        }
        if (spec.mode().portfolioClients()) {
            arguments.addAll(List.of("--trust", data.resolve("trust").toString()));
        }
        if (spec.mode() == BenchMode.PORTFOLIO) {
            // The nodes share the directory: its inventory key and server identity, as a deployment copies them.
            arguments.addAll(List.of("--data", data.resolve("server").toString()));
        }
        if (shared != null) {
            arguments.addAll(List.of("--db", shared.jdbcUrl(), "--redis", shared.redisUri(), "--redis-prefix",
                    shared.redisPrefix(), "--node", nodeName(node)));
        }
        String process = shared == null ? "server" : "server-" + nodeName(node);
        ServerProcess server = ServerProcess.start(launcher.command(pinning.server(), arguments), log(spec, process));
        running.add(server.process());
        return server;
    }

    /**
     * The simulator serves the warm-up fleet first (flat out, not measured: the server counts only its other
     * endpoints), so that both JVMs are compiled when the measured fleet comes.
     */
    private Process startSimulator(RunSpec spec, List<String> serverUris, Path statsFile) throws IOException {
        int rate = spec.load() == BenchLoad.RATE ? settings.rate() : 0;
        List<String> arguments = new ArrayList<>(List.of("simulate", "--clients", String.valueOf(spec.clients()),
                "--server", String.join(",", serverUris), "--seed", String.valueOf(SEED), "--rate", String.valueOf(rate), "--warmup",
                String.valueOf(settings.warmup()), "--stats-file", statsFile.toString()));
        if (!spec.mode().portfolioClients()) {
            arguments.add("--bare");
        }
        if (spec.load() == BenchLoad.REREGISTER) {
            arguments.add("--reregister-on-input");
        }
        Process simulator = new ProcessBuilder(launcher.command(pinning.simulator(), arguments))
                .redirectErrorStream(true).redirectOutput(Redirect.appendTo(log(spec, "simulator").toFile())).start();
        running.add(simulator);
        return simulator;
    }

    /** One line on the simulator's standard input: every client registers again without deregistering. */
    private static void reregister(Process simulator) throws RunFailure {
        try {
            OutputStream input = simulator.getOutputStream();
            input.write('\n');
            input.flush();
        } catch (IOException e) {
            throw new RunFailure("cannot tell the simulator to re-register: " + e.getMessage());
        }
    }

    /** SIGTERM, as Ctrl-C: the simulator deregisters its clients, then writes its stats file. */
    private SimulatorStats stopSimulator(Process simulator, Path statsFile, List<String> problems)
            throws InterruptedException {
        simulator.destroy();
        if (!simulator.waitFor(SIMULATOR_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            simulator.destroyForcibly();
            problems.add("simulator did not stop within " + SIMULATOR_STOP_WAIT.toSeconds() + " s of SIGTERM");
            return null;
        }
        if (!Files.isRegularFile(statsFile)) {
            problems.add("simulator wrote no stats file (exit code " + simulator.exitValue() + ")");
            return null;
        }
        try {
            return BenchJson.mapper().readValue(statsFile.toFile(), SimulatorStats.class);
        } catch (IOException e) {
            problems.add("unreadable simulator stats " + statsFile + ": " + e.getMessage());
            return null;
        }
    }

    private static List<String> problemsOf(ServerResult result) {
        List<String> problems = new ArrayList<>();
        if (!result.allDone()) {
            problems.add((result.timedOut() ? "timed out: " : "stopped early: ")
                    + (result.completed() + result.failed()) + " of " + result.clients() + " devices done");
        }
        if (result.failed() > 0) {
            problems.add(result.failed() + (result.failed() == 1 ? " device" : " devices") + " failed, e.g. "
                    + (result.failures().isEmpty() ? "?" : result.failures().get(0)));
        }
        return problems;
    }

    private Path log(RunSpec spec, String process) {
        return logDirectory.resolve(spec.fileStem() + "-" + process + ".log");
    }
}
