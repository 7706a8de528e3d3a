package io.github.lwm2mportfolio.cli.simulate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.github.lwm2mportfolio.cli.ApiAccess;
import io.github.lwm2mportfolio.cli.Counts;
import io.github.lwm2mportfolio.cli.DurationConverter;
import io.github.lwm2mportfolio.cli.Options;
import io.github.lwm2mportfolio.cli.RestClient;
import io.github.lwm2mportfolio.core.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code portfolio simulate}: a fleet of LwM2M clients in one JVM against any LwM2M server, until Ctrl-C or
 * {@code --duration}; then every client deregisters and a summary is printed.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Run a fleet of simulated Portfolio clients (or bare Leshan clients) in one JVM.")
public final class SimulateCommand implements Callable<Integer> {

    /** Endpoints of the warm-up fleet; a server can tell them from the fleet that counts. */
    public static final String WARMUP_PREFIX = "warm-";
    /** Endpoints of the fleet when --prefix is not given. */
    public static final String DEFAULT_PREFIX = "sim-";
    private static final Duration WARMUP_LIMIT = Duration.ofMinutes(10);

    @Spec
    CommandSpec spec;

    @Option(names = "--clients", required = true,
            description = "Number of simulated devices (1 to 100000); 0 with --trust-out only writes the certificate.")
    int clients;

    @Option(names = "--server", required = true, split = ",", paramLabel = "URI[,URI...]",
            description = "LwM2M server: coap://HOST:PORT, or coaps://HOST:PORT for DTLS with pre-shared keys. Several "
                    + "(nodes of one deployment): each device talks to one, as a UDP load balancer hashing the "
                    + "source would choose.")
    List<String> serverUris;

    @Option(names = "--seed", defaultValue = "1",
            description = "Makes endpoints' host identities and keys again, run after run. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--rate", defaultValue = "0",
            description = "Registrations started per second; 0 starts them all at once. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--bare", description = "Bare Leshan clients (Security, Server, Device) without object 16: a baseline.")
    boolean bare;

    @Option(names = "--service", defaultValue = "sign",
            description = "GetAuthData service when the server names none: sign, mac or encrypt. Default: ${DEFAULT-VALUE}.")
    String service;

    @Option(names = "--prefix", defaultValue = DEFAULT_PREFIX, description = "Endpoint name prefix. Default: ${DEFAULT-VALUE}.")
    String prefix;

    @Option(names = "--data", description = "Where the clients' stores go (one directory each, kept). Default: in "
            + "memory, with AuthData counters that start at the current time so that they rise from run to run.")
    Path dataDirectory;

    @Option(names = "--bind", description = "Local address of the clients' sockets. Default: loopback for a loopback "
            + "server, else every address.")
    InetAddress bind;

    @Option(names = "--lifetime", defaultValue = "300", description = "Registration lifetime in seconds. Default: ${DEFAULT-VALUE}.")
    long lifetime;

    @Option(names = "--lwm2m-version", defaultValue = "1.1",
            description = "LwM2M version the clients register as: 1.0 or 1.1. Default: ${DEFAULT-VALUE}.")
    String lwm2mVersion;

    @Option(names = "--advertised-format", defaultValue = "all", description = "Content formats the Register's root "
            + "link advertises (ct): all, none, or one of tlv, json, senml-json, senml-cbor, cbor, text, opaque. "
            + "Default: ${DEFAULT-VALUE}.")
    String advertisedFormat;

    @Option(names = "--threads", defaultValue = "8", description = "Threads of each shared pool. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long (e.g. 5m, 1h or ISO-8601 PT5M). Default: until Ctrl-C.")
    Duration duration;

    @Option(names = "--trust-out", description = "Write the simulator's CA certificate into this directory "
            + "(for portfolio server --trust DIR) before the clients start; with --clients 0, only that.")
    Path trustOut;

    @Option(names = "--api", description = "A Portfolio server's REST URL (http://HOST:PORT): follow its events to "
            + "count collected and verified devices.")
    String apiUrl;

    @Option(names = "--token-file", description = "With --api: a file whose first line is an API token (operator "
            + "to follow events, admin to give the server the pre-shared keys). Default: the environment variable "
            + ApiAccess.TOKEN_VARIABLE + ".")
    Path tokenFile;

    /** The API token, when --api is given. */
    private String apiToken;

    @Option(names = "--psk-file", description = "Over coaps://: write each device's pre-shared key to this CSV file.")
    Path pskFile;

    @Option(names = "--warmup", defaultValue = "0", description = "First run this many clients (endpoints warm-...) "
            + "until each is done as a client sees it, then deregister them: the JVMs compile their code before the "
            + "fleet that counts. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--reregister-on-input", description = "Each line read on standard input makes every client "
            + "register again at once, as after a network outage: each stops without deregistering and starts again, "
            + "so the server sees new registrations of endpoints it still holds.")
    boolean reregisterOnInput;

    @Option(names = "--stats-file", description = "Write the summary as JSON to this file.")
    Path statsFile;

    @Option(names = "--progress-interval", defaultValue = "1s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often the progress line is shown (e.g. 1s, or ISO-8601). Default: ${DEFAULT-VALUE}.")
    Duration progressInterval;

    @Override
    public Integer call() throws Exception {
        if (clients == 0 && trustOut != null) {
            writeTrust(spec.commandLine().getOut());
            return 0; // only the certificate was asked for, before the server starts
        }
        SimulatedFleet.Settings settings = settings();
        PrintWriter out = spec.commandLine().getOut();
        if (trustOut != null) {
            writeTrust(out);
        }
        // Before the warm-up: what the warm-up leaves behind (caches, compiled code's data) counts as the clients'.
        SimulatorFootprint before = SimulatorFootprint.measure();
        CountDownLatch stopRequested = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        Thread shutdownHook = new Thread(() -> {
            stopRequested.countDown();
            awaitQuietly(finished);
        }, "simulate-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        BooleanSupplier stopping = () -> stopRequested.getCount() == 0;
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "simulate-progress");
            thread.setDaemon(true);
            return thread;
        });
        try {
            if (warmup > 0) {
                out.println("warming up with " + warmup + " clients (" + WARMUP_PREFIX + "...), not counted");
                out.flush();
                warmUp(settings, out, stopping);
                if (stopping.getAsBoolean()) {
                    out.println("stopped during the warm-up: its clients deregistered");
                    out.flush();
                    return 0;
                }
            }
            run(settings, out, before, stopRequested, ticker);
        } finally {
            ticker.shutdownNow();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already on its way out (Ctrl-C): the hook is waiting for us, and may go on now
            }
        }
        return 0;
    }

    /** The fleet that counts: built, started at the rate, run until Ctrl-C or --duration, then deregistered. */
    private void run(SimulatedFleet.Settings settings, PrintWriter out, SimulatorFootprint before,
            CountDownLatch stopRequested, ScheduledExecutorService ticker) throws Exception {
        FleetProgress progress = new FleetProgress(clients);
        long buildStart = System.nanoTime();
        ProgressLine line = new ProgressLine(out, System.console() != null);
        try (SimulatedFleet fleet = SimulatedFleet.build(settings, progress);
                AutoCloseable follower = apiUrl == null ? () -> { } : ServerEventFollower.follow(apiUrl, apiToken, progress,
                        endpoint -> endpoint.startsWith(prefix), out)) {
            out.printf("built %d %s clients in %.1f s; starting them %s against %s%n", fleet.size(),
                    bare ? "bare Leshan" : "Portfolio", (System.nanoTime() - buildStart) / 1e9,
                    rate > 0 ? "at " + rate + "/s" : "all at once", String.join(", ", serverUris));
            out.flush();
            providePreSharedKeys(fleet, out);
            ticker.scheduleAtFixedRate(() -> line.show(progress.line()), progressInterval.toMillis(),
                    progressInterval.toMillis(), TimeUnit.MILLISECONDS);
            long runStart = System.nanoTime();
            fleet.startAll(() -> stopRequested.getCount() == 0);
            if (reregisterOnInput) {
                reregisterOnEachLine(fleet, out, stopRequested);
            }
            boolean interrupted = duration == null ? awaitForever(stopRequested)
                    : stopRequested.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            ticker.shutdownNow();
            line.show(progress.line());
            line.end();
            SimulatorFootprint with = SimulatorFootprint.measure();
            double ranSeconds = (System.nanoTime() - runStart) / 1e9;
            out.println(interrupted ? "stopping: deregistering every client" : "duration reached: deregistering "
                    + "every client");
            out.flush();
            fleet.close();
            writeSummary(out, progress, before, with, ranSeconds);
        }
    }

    /**
     * A warm-up fleet, flat out, until every client is done as it sees it (Portfolio: its AuthData was read; bare:
     * registered, then a second for the server's read), then deregistered.
     */
    private void warmUp(SimulatedFleet.Settings measured, PrintWriter out, BooleanSupplier stopping)
            throws Exception {
        SimulatedFleet.Settings settings = measured.warmUp(warmup, WARMUP_PREFIX);
        FleetProgress progress = new FleetProgress(warmup);
        long start = System.nanoTime();
        try (SimulatedFleet fleet = SimulatedFleet.build(settings, progress)) {
            providePreSharedKeys(fleet, out);
            fleet.startAll(stopping);
            long deadline = System.nanoTime() + WARMUP_LIMIT.toNanos();
            while ((bare ? progress.registeredCount() : progress.authDataReadCount()) < warmup
                    && System.nanoTime() < deadline && !stopping.getAsBoolean()) {
                Thread.sleep(100);
            }
            if (bare && !stopping.getAsBoolean()) {
                Thread.sleep(1000);
            }
        }
        out.printf("warm-up: %s in %.1f s%n", progress.line(), (System.nanoTime() - start) / 1e9);
        out.flush();
    }

    /** Reads standard input on a daemon thread: each line re-registers the fleet; its end changes nothing. */
    private static void reregisterOnEachLine(SimulatedFleet fleet, PrintWriter out, CountDownLatch stopRequested) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                while (lines.readLine() != null && stopRequested.getCount() > 0) {
                    long start = System.nanoTime();
                    int restarted = fleet.reregisterAll(() -> stopRequested.getCount() == 0);
                    out.printf("re-registering %d clients without deregistering (started in %.1f s)%n", restarted,
                            (System.nanoTime() - start) / 1e9);
                    out.flush();
                }
            } catch (IOException e) {
                // standard input closed under us: nothing more to re-register
            }
        }, "simulate-reregister");
        reader.setDaemon(true);
        reader.start();
    }

    /** The endpoint name of a simulated device, e.g. sim-000042. */
    public static String endpoint(String prefix, int index) {
        return SimulatedFleet.endpoint(prefix, index);
    }

    private void writeTrust(PrintWriter out) throws Exception {
        SimulatorAuthority authority = SimulatorAuthority.fromSeed(seed);
        Path written = authority.writeCertificate(trustOut);
        out.println("simulator CA certificate: " + written + " (start the server with --trust " + trustOut
                + "; for mac and encrypt also --fleet-key " + authority.fleetMasterKeyHex() + ")");
        out.flush();
    }

    /**
     * Over DTLS the server must know each device's key: our server learns them through its REST API (--api);
     * for another server, --psk-file lists them.
     */
    private void providePreSharedKeys(SimulatedFleet fleet, PrintWriter out) throws Exception {
        Map<String, byte[]> keys = fleet.preSharedKeys();
        if (keys.isEmpty()) {
            return;
        }
        HexFormat hex = HexFormat.of();
        if (pskFile != null) {
            StringBuilder csv = new StringBuilder("endpoint,pskIdentity,pskKeyHex\n");
            keys.forEach((endpoint, key) -> csv.append(endpoint).append(',').append(endpoint).append(',')
                    .append(hex.formatHex(key)).append('\n'));
            AtomicFiles.write(pskFile, csv.toString().getBytes(StandardCharsets.UTF_8)); // owner-only: keys
            out.println("pre-shared keys of the " + Counts.of(keys.size(), "device", "devices") + ": " + pskFile);
        }
        if (apiUrl != null) {
            RestClient api = new RestClient(spec, apiUrl, apiToken);
            for (Map.Entry<String, byte[]> key : keys.entrySet()) {
                api.putJson("/api/credentials/" + key.getKey(), Map.of("kind", "PSK", "pskIdentity", key.getKey(),
                        "pskKeyHex", hex.formatHex(key.getValue())));
            }
            out.println("gave the server the pre-shared keys of the " + Counts.of(keys.size(), "device", "devices"));
        } else if (pskFile == null) {
            out.println("note: the server must know each device's pre-shared key; give --api (our server) or "
                    + "--psk-file (any server)");
        }
        out.flush();
    }

    private SimulatedFleet.Settings settings() {
        if (clients < 1 || clients > 100_000) {
            throw new ParameterException(spec.commandLine(), "--clients must be 1 to 100000, got " + clients);
        }
        if (rate < 0 || Double.isNaN(rate)) {
            throw new ParameterException(spec.commandLine(), "--rate must be 0 or more, got " + rate);
        }
        if (threads < 1 || threads > 64) {
            throw new ParameterException(spec.commandLine(), "--threads must be 1 to 64, got " + threads);
        }
        if (warmup < 0 || warmup > 100_000) {
            throw new ParameterException(spec.commandLine(), "--warmup must be 0 to 100000, got " + warmup);
        }
        if (warmup > 0 && WARMUP_PREFIX.equals(prefix)) {
            throw new ParameterException(spec.commandLine(), "--prefix must differ from the warm-up's " + WARMUP_PREFIX);
        }
        if (lifetime < 30) {
            throw new ParameterException(spec.commandLine(), "--lifetime must be at least 30 seconds, got " + lifetime);
        }
        if (progressInterval.isNegative() || progressInterval.isZero()) {
            throw new ParameterException(spec.commandLine(), "--progress-interval must be positive");
        }
        Options.writableDirectory(spec, "--data", dataDirectory);
        if (apiUrl != null) {
            apiToken = ApiAccess.token(spec, null, tokenFile);
        }
        if (!prefix.matches("[A-Za-z0-9._-]{0,32}")) {
            throw new ParameterException(spec.commandLine(),
                    "--prefix may hold letters, digits, '.', '_' and '-' (at most 32), got '" + prefix + "'");
        }
        boolean secure = false;
        InetAddress local = bind;
        for (int i = 0; i < serverUris.size(); i++) {
            String serverUri = serverUris.get(i);
            URI uri;
            try {
                uri = URI.create(serverUri);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--server is not a URI: " + e.getMessage());
            }
            if (!"coaps".equals(uri.getScheme()) && !"coap".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new ParameterException(spec.commandLine(),
                        "--server must be coap://HOST:PORT or coaps://HOST:PORT, got " + serverUri);
            }
            if (i == 0) {
                secure = "coaps".equals(uri.getScheme());
                local = bind != null ? bind : loopbackFor(uri.getHost());
            } else if (secure != "coaps".equals(uri.getScheme())) {
                throw new ParameterException(spec.commandLine(),
                        "--server: the nodes must all be coap:// or all coaps://, got " + String.join(",", serverUris));
            }
        }
        return new SimulatedFleet.Settings(clients, serverUris, seed, rate, bare, secure, dataDirectory, local, lifetime,
                threads, prefix, Options.service(spec, "--service", service),
                Options.registrationForm(spec, lwm2mVersion, advertisedFormat));
    }

    /** Loopback when the server is on this machine's loopback: then the clients need no other address. */
    private static InetAddress loopbackFor(String host) {
        try {
            InetAddress server = InetAddress.getByName(host);
            return server.isLoopbackAddress() ? server : null;
        } catch (java.net.UnknownHostException e) {
            return null; // Leshan reports the unknown host when it registers
        }
    }

    private void writeSummary(PrintWriter out, FleetProgress progress, SimulatorFootprint before,
            SimulatorFootprint with, double ranSeconds) throws Exception {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("clients", clients);
        summary.put("bare", bare);
        summary.put("server", String.join(",", serverUris));
        summary.put("seed", seed);
        summary.put("rate", rate);
        summary.put("ranSeconds", Math.round(ranSeconds * 10) / 10.0);
        summary.putAll(progress.counts());
        summary.putAll(SimulatorFootprint.compare(before, with, clients));
        out.println("summary: " + progress.line() + " | deregistered " + progress.deregisteredCount());
        out.printf("simulator: %d threads with %d clients (%d before), heap %.1f MB (%.1f KB per client)%n",
                with.threads(), clients, before.threads(), with.heapBytes() / 1e6,
                (with.heapBytes() - before.heapBytes()) / 1e3 / clients);
        out.flush();
        if (statsFile != null) {
            Path parent = statsFile.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(statsFile, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(summary));
        }
    }

    /** @return true: only a stop request ends it */
    private static boolean awaitForever(CountDownLatch stopRequested) throws InterruptedException {
        stopRequested.await();
        return true;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(3, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
