package io.github.lwm2mportfolio.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import io.github.lwm2mportfolio.cli.DurationConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code portfolio bench-server}: the server JVM of one {@code portfolio bench} run. Prints
 * {@code READY coap://127.0.0.1:PORT} (coaps:// over DTLS), then {@code RESULT {json}} once every client is done or
 * the timeout passed (with {@code --reregister}: {@code WAVE {json}} once the first registration of every client is
 * done, and {@code RESULT} for their second registration), and serves on until its standard input closes or it gets SIGTERM, so that the simulator can
 * deregister cleanly.
 */
@Command(name = "bench-server", hidden = true, mixinStandardHelpOptions = true,
        description = "The server JVM of one 'portfolio bench' run (started by 'portfolio bench').")
public final class BenchServerCommand implements Callable<Integer> {

    static final String READY = "READY ";
    static final String RESULT = "RESULT ";
    static final String WARM = "WARM";
    static final String WAVE = "WAVE ";

    @Spec
    CommandSpec spec;

    @Option(names = "--mode", required = true, description = "baseline (bare Leshan reading /3/0), floor (bare Leshan making ours' exchanges and "
            + "checking the signatures, storing nothing) or portfolio.")
    String mode;

    @Option(names = "--clients", required = true, description = "Devices to wait for.")
    int clients;

    @Option(names = "--data", description = "Data directory of the Portfolio server (H2 inventory); mode portfolio.")
    Path dataDirectory;

    @Option(names = "--trust", description = "Directory of certificates the clients' AuthData signatures chain to; "
            + "modes floor and portfolio.")
    Path trustDirectory;

    @Option(names = "--warmup", defaultValue = "0",
            description = "Devices (endpoints warm-...) to serve first, not measured; WARM is printed once they are "
                    + "done. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--transport", defaultValue = "coap", description = "coap, or dtls (pre-shared keys made from "
            + "--seed for the endpoints warm-NNNNNN and sim-NNNNNN, as the simulator makes them). Default: "
            + "${DEFAULT-VALUE}.")
    String transport;

    @Option(names = "--seed", defaultValue = "1", description = "The simulator's seed, for the DTLS pre-shared keys. "
            + "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--db", description = "Mode portfolio as one of several nodes: the PostgreSQL inventory they "
            + "share (with --redis and --node).")
    String jdbcUrl;

    @Option(names = "--redis", description = "The Redis the nodes share (redis://HOST:PORT).")
    String redisUri;

    @Option(names = "--redis-prefix", description = "The run's key prefix in Redis.")
    String redisPrefix;

    @Option(names = "--node", description = "This node's name; it counts only the devices registered through it "
            + "(--clients of them, 0 allowed).")
    String node;

    @Option(names = "--reregister", description = "Measure the clients' second registration (they register again "
            + "at once without deregistering): WAVE {json} once the first is done, RESULT for the second.")
    boolean reregister;

    @Option(names = "--timeout", defaultValue = "10m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Longest wait for every device, from READY (e.g. 10m, or ISO-8601). Default: "
                    + "${DEFAULT-VALUE}.")
    Duration timeout;

    private final InputStream stdin;

    public BenchServerCommand() {
        this(System.in);
    }

    /** @param stdin its end tells the server to stop */
    BenchServerCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public Integer call() throws Exception {
        BenchMode benchMode = BenchMode.fromId(mode).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--mode must be baseline, floor or portfolio, got '" + mode + "'"));
        SharedStores shared = sharedStores(benchMode);
        if (clients < (shared == null ? 1 : 0)) {
            throw new ParameterException(spec.commandLine(), "--clients must be at least " + (shared == null ? 1 : 0)
                    + ", got " + clients);
        }
        if (benchMode == BenchMode.PORTFOLIO && dataDirectory == null) {
            throw new ParameterException(spec.commandLine(), "--mode portfolio needs --data");
        }
        if (benchMode == BenchMode.FLOOR && trustDirectory == null) {
            throw new ParameterException(spec.commandLine(), "--mode floor needs --trust");
        }
        if (warmup < 0) {
            throw new ParameterException(spec.commandLine(), "--warmup must be 0 or more, got " + warmup);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new ParameterException(spec.commandLine(), "--timeout must be positive, got " + timeout);
        }
        BenchTransport benchTransport = BenchTransport.fromId(transport).orElseThrow(() -> new ParameterException(
                spec.commandLine(), "--transport must be coap or dtls, got '" + transport + "'"));
        PrintWriter out = spec.commandLine().getOut();
        CompletionTracker firstWave = new CompletionTracker(benchMode, clients, ProcessCpu::nanos);
        CompletionTracker tracker = reregister ? new CompletionTracker(benchMode, clients, ProcessCpu::nanos)
                : firstWave;
        RegistrationWaves waves = new RegistrationWaves(List.of(firstWave, tracker));
        CompletionTracker warmupTracker = new CompletionTracker(benchMode, warmup, ProcessCpu::nanos);
        DeviceOutcomes outcomes = new WarmupRouter(warmupTracker, waves);
        Map<String, byte[]> preSharedKeys = benchTransport == BenchTransport.DTLS
                ? BenchPreSharedKeys.of(seed, warmup, clients) : Map.of();
        CompletableFuture<Void> stopAsked = endOfInput();
        try (BenchServer server = server(benchMode, outcomes, benchTransport, preSharedKeys, shared)) {
            out.println(READY + server.start());
            out.flush();
            boolean timedOut = false;
            boolean waveReported = false;
            try {
                if (warmup > 0) {
                    CompletableFuture.anyOf(warmupTracker.allFinished(), stopAsked).get(timeout.toMillis(),
                            TimeUnit.MILLISECONDS);
                    out.println(WARM + " " + BenchJson.oneLineMapper().writeValueAsString(warmupTracker.result(false)));
                    out.flush();
                }
                if (reregister) {
                    CompletableFuture.anyOf(firstWave.allFinished(), stopAsked).get(timeout.toMillis(),
                            TimeUnit.MILLISECONDS);
                    waves.nextWave();
                    reportWave(out, firstWave, false);
                    waveReported = true;
                }
                CompletableFuture.anyOf(tracker.allFinished(), stopAsked).get(timeout.toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                timedOut = true;
                if (reregister && !waveReported) {
                    reportWave(out, firstWave, true); // the bench waits for it before RESULT
                }
            }
            out.println(RESULT + BenchJson.oneLineMapper().writeValueAsString(tracker.result(timedOut)));
            out.flush();
            stopAsked.join();
        }
        return 0;
    }

    private static void reportWave(PrintWriter out, CompletionTracker firstWave, boolean timedOut) throws IOException {
        out.println(WAVE + BenchJson.oneLineMapper().writeValueAsString(firstWave.result(timedOut)));
        out.flush();
    }

    /** The stores shared with the other nodes, or null for a server on its own; all four options or none. */
    private SharedStores sharedStores(BenchMode benchMode) {
        long given = Stream.of(jdbcUrl, redisUri, redisPrefix, node).filter(Objects::nonNull).count();
        if (given == 0) {
            return null;
        }
        if (given < 4 || benchMode != BenchMode.PORTFOLIO) {
            throw new ParameterException(spec.commandLine(),
                    "--db, --redis, --redis-prefix and --node go together, with --mode portfolio");
        }
        return new SharedStores(jdbcUrl, redisUri, redisPrefix, node);
    }

    private BenchServer server(BenchMode benchMode, DeviceOutcomes outcomes, BenchTransport benchTransport,
            Map<String, byte[]> preSharedKeys, SharedStores shared) throws Exception {
        return switch (benchMode) {
        case BASELINE -> new BareLeshanBenchServer(outcomes, benchTransport, preSharedKeys);
        case FLOOR -> new FloorBenchServer(outcomes, trustDirectory, benchTransport, preSharedKeys);
        case PORTFOLIO -> new PortfolioBenchServer(outcomes, dataDirectory, trustDirectory, benchTransport,
                preSharedKeys, shared);
        };
    }

    /** Completes when standard input ends (the bench closed it, or died). */
    private CompletableFuture<Void> endOfInput() {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                while (stdin.read() >= 0) {
                    // nothing is sent: only the end matters
                }
            } catch (IOException e) {
                // a broken pipe ends it as well
            }
            ended.complete(null);
        }, "bench-server-stdin");
        reader.setDaemon(true);
        reader.start();
        return ended;
    }
}
