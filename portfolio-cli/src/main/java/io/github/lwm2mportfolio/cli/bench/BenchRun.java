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

import io.github.lwm2mportfolio.cli.simulate.SimulatorAuthority;

/**
 * Runs one {@link RunSpec}: the bench-server JVM, then the simulator JVM against it, each pinned as the
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
        ServerResult serverResult = null;
        ServerResult firstWave = null;
        SimulatorStats simulatorStats = null;
        Path statsFile = logDirectory.resolve(spec.fileStem() + "-simulator-stats.json");
        Files.deleteIfExists(statsFile);
        try (ServerProcess server = startServer(spec, serverData)) {
            String uri = server.awaitLine(BenchServerCommand.READY, READY_WAIT, null, null);
            Process simulator = startSimulator(spec, uri, statsFile);
            try {
                if (spec.load() == BenchLoad.REREGISTER) {
                    firstWave = BenchJson.mapper().readValue(server.awaitLine(BenchServerCommand.WAVE,
                            Duration.ofSeconds(settings.timeoutSeconds()).plus(RESULT_GRACE), simulator, "simulator"),
                            ServerResult.class);
                    problems.addAll(problemsOf(firstWave).stream().map(p -> "first wave: " + p).toList());
                    if (!firstWave.timedOut()) {
                        reregister(simulator);
                    }
                }
                String json = server.awaitLine(BenchServerCommand.RESULT,
                        Duration.ofSeconds(settings.timeoutSeconds()).plus(RESULT_GRACE), simulator, "simulator");
                serverResult = BenchJson.mapper().readValue(json, ServerResult.class);
                problems.addAll(problemsOf(serverResult));
            } finally {
                simulatorStats = stopSimulator(simulator, statsFile, problems);
            }
        } catch (RunFailure failure) {
            problems.add(0, failure.getMessage());
        }
        return new RunResult(spec, problems.isEmpty() ? null : String.join("; ", problems), serverResult, firstWave,
                simulatorStats);
    }

    private ServerProcess startServer(RunSpec spec, Path data) throws IOException, GeneralSecurityException {
        List<String> arguments = new ArrayList<>(List.of("bench-server", "--mode", spec.mode().id(), "--clients",
                String.valueOf(spec.clients()), "--warmup", String.valueOf(settings.warmup()), "--timeout",
                Duration.ofSeconds(settings.timeoutSeconds()).toString(), "--transport", spec.transport().id(),
                "--seed", String.valueOf(SEED)));
        if (spec.load() == BenchLoad.REREGISTER) {
            arguments.add("--reregister");
        }
        if (spec.mode().portfolioClients()) {
            // The server reads its trust anchors at start: the simulator's CA comes from the same seed.
            Path trust = Files.createDirectories(data.resolve("trust"));
            SimulatorAuthority.fromSeed(SEED).writeCertificate(trust);
            arguments.addAll(List.of("--trust", trust.toString()));
        }
        if (spec.mode() == BenchMode.PORTFOLIO) {
            arguments.addAll(List.of("--data", data.resolve("server").toString()));
        }
        ServerProcess server = ServerProcess.start(launcher.command(pinning.server(), arguments), log(spec, "server"));
        running.add(server.process());
        return server;
    }

    /**
     * The simulator serves the warm-up fleet first (flat out, not measured: the server counts only its other
     * endpoints), so that both JVMs are compiled when the measured fleet comes.
     */
    private Process startSimulator(RunSpec spec, String serverUri, Path statsFile) throws IOException {
        int rate = spec.load() == BenchLoad.RATE ? settings.rate() : 0;
        List<String> arguments = new ArrayList<>(List.of("simulate", "--clients", String.valueOf(spec.clients()),
                "--server", serverUri, "--seed", String.valueOf(SEED), "--rate", String.valueOf(rate), "--warmup",
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
