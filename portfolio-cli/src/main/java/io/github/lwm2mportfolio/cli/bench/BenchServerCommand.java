package io.github.lwm2mportfolio.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.lwm2mportfolio.cli.DurationConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code portfolio bench-server}: the server JVM of one {@code portfolio bench} run. Prints
 * {@code READY coap://127.0.0.1:PORT}, then {@code RESULT {json}} once every client is done or the timeout
 * passed, and serves on until its standard input closes or it gets SIGTERM, so that the simulator can
 * deregister cleanly.
 */
@Command(name = "bench-server", hidden = true, mixinStandardHelpOptions = true,
        description = "The server JVM of one 'portfolio bench' run (started by 'portfolio bench').")
public final class BenchServerCommand implements Callable<Integer> {

    static final String READY = "READY ";
    static final String RESULT = "RESULT ";
    static final String WARM = "WARM";

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
        if (clients < 1) {
            throw new ParameterException(spec.commandLine(), "--clients must be at least 1, got " + clients);
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
        PrintWriter out = spec.commandLine().getOut();
        CompletionTracker tracker = new CompletionTracker(benchMode, clients, ProcessCpu::nanos);
        CompletionTracker warmupTracker = new CompletionTracker(benchMode, warmup, ProcessCpu::nanos);
        DeviceOutcomes outcomes = new WarmupRouter(warmupTracker, tracker);
        CompletableFuture<Void> stopAsked = endOfInput();
        try (BenchServer server = server(benchMode, outcomes)) {
            out.println(READY + server.start());
            out.flush();
            boolean timedOut = false;
            try {
                if (warmup > 0) {
                    CompletableFuture.anyOf(warmupTracker.allFinished(), stopAsked).get(timeout.toMillis(),
                            TimeUnit.MILLISECONDS);
                    out.println(WARM + " " + BenchJson.oneLineMapper().writeValueAsString(warmupTracker.result(false)));
                    out.flush();
                }
                CompletableFuture.anyOf(tracker.allFinished(), stopAsked).get(timeout.toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                timedOut = true;
            }
            out.println(RESULT + BenchJson.oneLineMapper().writeValueAsString(tracker.result(timedOut)));
            out.flush();
            stopAsked.join();
        }
        return 0;
    }

    private BenchServer server(BenchMode benchMode, DeviceOutcomes outcomes) throws Exception {
        return switch (benchMode) {
        case BASELINE -> new BareLeshanBenchServer(outcomes);
        case FLOOR -> new FloorBenchServer(outcomes, trustDirectory);
        case PORTFOLIO -> new PortfolioBenchServer(outcomes, dataDirectory, trustDirectory);
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
