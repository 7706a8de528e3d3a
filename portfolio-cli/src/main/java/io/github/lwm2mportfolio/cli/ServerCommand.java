package io.github.lwm2mportfolio.cli;

import java.io.PrintWriter;
import java.io.StringReader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.github.lwm2mportfolio.cli.config.ConfigOptions;
import io.github.lwm2mportfolio.cli.keys.FleetSecretFile;
import io.github.lwm2mportfolio.server.FleetSecrets;
import io.github.lwm2mportfolio.server.ListenerProbe;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.Revocations;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.collector.Collector;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.compliance.CertificationCsv;
import io.github.lwm2mportfolio.server.registration.RegistrationLimits;
import io.github.lwm2mportfolio.cli.logging.LogSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code portfolio server}: the LwM2M server, collector, inventory and REST API, until Ctrl-C. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the LwM2M server that collects, verifies and keeps host-device identities.")
final class ServerCommand implements Callable<Integer> {

    private static final String CERTIFIED_EXPECTED = "a CSV file of manufacturer,model,software_version";

    @Spec
    CommandSpec spec;

    /** --config FILE and --print-config: every other option may come from the file or the environment too. */
    @Mixin
    ConfigOptions config;

    @Option(names = "--bind", defaultValue = "0.0.0.0", description = "LwM2M (CoAP, CoAPs) address to listen on. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--http-host", defaultValue = "127.0.0.1",
            description = "REST API address to listen on (0.0.0.0: every address). Default: ${DEFAULT-VALUE}.")
    String httpHost;

    @Option(names = "--coap-port", defaultValue = "5683",
            description = "Plain CoAP port; 0 turns plain CoAP off (devices then register over CoAPs only). "
                    + "Default: ${DEFAULT-VALUE}.")
    int coapPort;

    @Option(names = "--coaps-port", defaultValue = "5684", description = "CoAPs (DTLS) port. Default: ${DEFAULT-VALUE}.")
    int coapsPort;

    @Option(names = "--http-port", defaultValue = "8080", description = "REST API port. Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(names = "--https-keystore", paramLabel = "FILE.p12",
            description = "Serve the REST API over HTTPS only, with this PKCS#12 key store (key and certificate chain).")
    Path httpsKeyStore;

    @Option(names = "--https-password-file", paramLabel = "FILE",
            description = "A file whose first line is the password of --https-keystore.")
    Path httpsPasswordFile;

    @Option(names = "--cors-origin", paramLabel = "ORIGIN",
            description = "An origin (https://console.example.net) whose web pages may call the REST API; repeat for "
                    + "more. Default: none (CORS off).")
    List<String> corsOrigins = new ArrayList<>();

    @Option(names = "--db", description = "JDBC URL of the inventory, e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres. "
            + "Default: an H2 file database in the data directory.")
    String jdbcUrl;

    @Option(names = "--data", defaultValue = "portfolio-data/server", description = "Data directory. Default: ${DEFAULT-VALUE}.")
    Path dataDirectory;

    @Option(names = "--certified", paramLabel = "FILE", description = "Certification CSV (manufacturer,model,"
            + "software_version) that replaces the stored list at each start, unless that list was last changed through "
            + "the REST API (then it is not applied; the log says so).")
    Path certified;

    @Option(names = "--trust", description = "Directory of trusted CA or device certificates (PEM/DER) for AuthData signatures.")
    Path trust;

    @Option(names = "--identity", description = "The server's DTLS identity: a PKCS#12 file with one EC key and its "
            + "certificate chain. Default: server-identity.p12 in the data directory, created on first start (its "
            + "password generated, in server-identity.p12.password beside it).")
    Path identity;

    @Option(names = "--identity-password-file", paramLabel = "FILE",
            description = "A file whose first line is the password of --identity.")
    Path identityPasswordFile;

    @Option(names = "--fleet-key", description = "Fleet master key in hex, for the mac and encrypt services (shows in "
            + "the process list: prefer --fleet-key-file).")
    String fleetKeyHex;

    @Option(names = "--fleet-key-file", paramLabel = "FILE", description = "File whose first line is the fleet master "
            + "key in hex (mode 0600; 'portfolio keys fleet-secret' makes one), or fleet secrets by key id, one "
            + "'KEYID HEX [NOT-AFTER]' a line (rotation: devices name theirs in the kid).")
    Path fleetKeyFile;

    @Option(names = "--revoked", paramLabel = "FILE", description = "Revoked device certificates, one serial number "
            + "or SHA-256 fingerprint (hex) a line: AuthData signed under them is UNVERIFIED. Added to the list kept "
            + "in the inventory (PUT /api/revocations replaces that).")
    Path revoked;

    @Option(names = "--webhook", paramLabel = "URL", description = "POST each change of a device's compliance state "
            + "as JSON to this http(s) URL (retried with back-off; never holds up collection).")
    String webhook;

    @Option(names = "--service", defaultValue = "sign", description = "GetAuthData service to ask for: sign, mac or encrypt. Default: ${DEFAULT-VALUE}.")
    String service;

    @Option(names = "--registration-burst", paramLabel = "N", defaultValue = "5000", description = "New "
            + "registrations one source address may make at once (a simulator or a NAT shares one address). "
            + "Default: ${DEFAULT-VALUE}.")
    int registrationBurst;

    @Option(names = "--registration-rate", paramLabel = "PER_SECOND", defaultValue = "50", description = "New "
            + "registrations per second a source address earns back after its burst; beyond, 5.03 with Max-Age. "
            + "Default: ${DEFAULT-VALUE}.")
    double registrationRate;

    @Option(names = "--purge-strangers-after", paramLabel = "DURATION", defaultValue = "1h",
            converter = DurationConverter.class, description = "Remove "
            + "devices that never became established (no credential, no collection with a Portfolio object) once they "
            + "are gone this long (e.g. 30m, 1h; 0 keeps them). Default: ${DEFAULT-VALUE}.")
    Duration purgeStrangersAfter;

    @Option(names = "--collection-interval", defaultValue = "6h", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Collect every registered device again this often (e.g. 30m, 6h; at least 1m; 0: only on "
                    + "registration and changes). Default: ${DEFAULT-VALUE}.")
    Duration collectionInterval;

    @Mixin
    LogOptions log = new LogOptions();

    @Option(names = "--redis", paramLabel = "URI", description = "Run as one node of several: registrations, "
            + "observations and collection leases in this shared Redis (redis://host:port); the nodes also share "
            + "--db (PostgreSQL), the server identity and the data directory's secrets key. Default: none (one "
            + "server alone).")
    String redisUri;

    @Option(names = "--node", paramLabel = "NAME", description = "This node's name among those sharing --redis "
            + "(letters, digits, '.', '_', '-'); each node its own.")
    String nodeName;

    @Option(names = "--redis-prefix", paramLabel = "PREFIX", defaultValue = PortfolioServer.DEFAULT_REDIS_PREFIX,
            description = "Prefix of this deployment's keys in --redis. Default: ${DEFAULT-VALUE}.")
    String redisPrefix;

    @Option(names = "--node-url", paramLabel = "URL", description = "The base URL the other nodes reach this node's "
            + "REST API by (http(s)://host:port), to forward requests for the devices registered here. Default: the "
            + "address the REST API listens on (127.0.0.1 when on every interface: give it when nodes run on "
            + "several machines).")
    String nodeUrl;

    @Option(names = "--dtls-node-id", paramLabel = "0-255", description = "First byte of the DTLS Connection IDs this "
            + "node hands out, its own among the nodes sharing --redis (a load balancer may route by it). Default: "
            + "derived from --node.")
    Integer dtlsNodeId;

    @Option(names = "--dtls-cluster", paramLabel = "HOST:PORT", description = "Forward DTLS records whose Connection "
            + "ID names another node to that node, and take the others' on this address (reachable by the other "
            + "nodes only: a private network), so that a load balancer routing by source address reaches the node "
            + "holding a device's session (docs/SCALING.md). Default: none (such records are dropped).")
    String dtlsCluster;

    @Option(names = "--reregister-fast-path", defaultValue = "secure", paramLabel = "off|secure|on",
            description = "A device verified within --collection-interval that registers again with the same object "
                    + "links and Identity values is not challenged again: 'secure' over CoAPS only, 'on' over plain "
                    + "CoAP too, 'off' never (docs/RELIABILITY.md). Default: ${DEFAULT-VALUE}.")
    String reregisterFastPath;

    @Option(names = "--new-admin-token", description = "Replace the admin token named 'admin' with a new one and "
            + "print it (when the first one is lost).")
    boolean newAdminToken;

    @Option(names = "--shutdown-grace", defaultValue = "10s", paramLabel = "DURATION",
            converter = DurationConverter.class, description = "On SIGTERM or Ctrl-C, how long the collections under "
            + "way may take to finish; those still running then are recorded as interrupted. A second signal exits "
            + "at once. Default: ${DEFAULT-VALUE}.")
    Duration shutdownGrace;

    @Option(names = "--db-wait", defaultValue = "5m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait at start for a PostgreSQL database that does not answer (tried again "
            + "after 1s, 2s, 4s ... up to 30s apart; /health/ready says why meanwhile); 0 fails at once. "
            + "Default: ${DEFAULT-VALUE}.")
    Duration dbWait;

    @Override
    public Integer call() throws Exception {
        LogSetup.apply(log.settings(spec));
        PrintWriter out = spec.commandLine().getOut();
        try (StopSignals signals = StopSignals.install(out)) {
            return run(signals, out);
        }
    }

    private Integer run(StopSignals signals, PrintWriter out) throws Exception {
        checkCertified();
        Options.certificateDirectory(spec, "--trust", trust);
        Options.readableFile(spec, "--identity", identity, "a PKCS#12 file (.p12)");
        Options.jdbcUrl(spec, "--db", jdbcUrl);
        Options.resolvableHost(spec, "--bind", bind);
        Options.resolvableHost(spec, "--http-host", httpHost);
        PortfolioServer.Builder builder = PortfolioServer.builder().bindHost(bind).httpHost(httpHost)
                .coapPort(coapPort == 0 ? -1 : coapPort)
                .coapsPort(coapsPort).httpPort(httpPort).jdbcUrl(jdbcUrl).dataDirectory(dataDirectory)
                .certifiedCsv(certified).trustDirectory(trust)
                .fleetMasterKey(keyedFleetSecrets() != null ? null : CommandLineSecrets.hexOrFile(spec,
                        config.givenOnCommandLine("--fleet-key") ? spec.commandLine().getErr()
                                : new PrintWriter(Writer.nullWriter()),
                        "--fleet-key", fleetKeyHex, "--fleet-key-file", fleetKeyFile))
                .collector(CollectorConfig.defaults().withService(Options.service(spec, "--service", service))
                        .withPurgeStrangersAfter(purgeStrangersAfter())
                        .withRecollectEvery(Options.collectionInterval(spec, "--collection-interval",
                                collectionInterval))
                        .withReregisterFastPath(Options.reregisterFastPath(spec, "--reregister-fast-path",
                                reregisterFastPath)))
                .registrationLimits(registrationLimits()).databaseWait(dbWait, signals.requested());
        if (httpsKeyStore != null) {
            char[] password = Options.secretFile(spec, "--https-password-file", httpsPasswordFile);
            Options.readableFile(spec, "--https-keystore", httpsKeyStore, "a PKCS#12 file (.p12)");
            builder.https(httpsKeyStore, password);
        } else if (httpsPasswordFile != null) {
            throw new ParameterException(spec.commandLine(), "--https-password-file goes with --https-keystore");
        }
        builder.corsOrigins(corsOrigins);
        if (identity != null) {
            builder.serverIdentity(identity, Options.secretFile(spec, "--identity-password-file",
                    identityPasswordFile));
        } else if (identityPasswordFile != null) {
            throw new ParameterException(spec.commandLine(), "--identity-password-file goes with --identity");
        }
        builder.revoked(revocations());
        if (webhook != null) {
            builder.webhook(webhookUri());
        }
        clusterOptions(builder);
        // Before anything is made: a server that cannot listen leaves no data, identity nor token behind.
        ListenerProbe.check(bind, coapPort, coapsPort, httpHost, httpPort);
        // Last of the checks: it makes the directory.
        Options.writableDirectory(spec, "--data", dataDirectory);
        PortfolioServer server;
        try {
            server = builder.build();
        } catch (IllegalStateException e) {
            if (signals.first() != null) { // asked to stop while waiting for the database
                out.println("stopped (" + signals.first() + ") while waiting for the database, before serving");
                out.flush();
                return 0;
            }
            throw e;
        }
        if (keyedFleetSecrets() != null) {
            server.keys().useFleetSecrets(keyedFleetSecrets());
        }
        out.println("DTLS certificate: " + ServerCertificateFile.write(dataDirectory, server.serverCertificate())
                + " (for clients' --server-certificate)");
        printAdminToken(server, newAdminToken, out);
        runUntilStopped(server, out, false, () -> () -> {
        }, signals, shutdownGrace);
        return 0;
    }

    private void clusterOptions(PortfolioServer.Builder builder) {
        if (redisUri == null) {
            for (Object[] option : new Object[][] { { "--node", nodeName }, { "--node-url", nodeUrl },
                    { "--dtls-node-id", dtlsNodeId }, { "--dtls-cluster", dtlsCluster } }) {
                if (option[1] != null) {
                    throw new ParameterException(spec.commandLine(), option[0] + " goes with --redis");
                }
            }
            return;
        }
        if (nodeName == null) {
            throw new ParameterException(spec.commandLine(), "--redis needs --node NAME, a name of its own for each "
                    + "node");
        }
        if (!nodeName.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ParameterException(spec.commandLine(), "--node: 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new ParameterException(spec.commandLine(), "--redis needs --db jdbc:postgresql://...: the nodes "
                    + "share their inventory");
        }
        if (!redisUri.startsWith("redis://") && !redisUri.startsWith("rediss://")) {
            throw new ParameterException(spec.commandLine(), "--redis must be a redis:// or rediss:// URI, e.g. "
                    + "redis://127.0.0.1:6379");
        }
        if (redisPrefix.isBlank() || redisPrefix.matches(".*[*?\\[].*")) {
            throw new ParameterException(spec.commandLine(), "--redis-prefix: non-empty text without * ? or [");
        }
        if (dtlsNodeId != null && (dtlsNodeId < 0 || dtlsNodeId > 255)) {
            throw new ParameterException(spec.commandLine(), "--dtls-node-id: 0 to 255");
        }
        builder.redis(redisUri).nodeName(nodeName).redisPrefix(redisPrefix).dtlsNodeId(dtlsNodeId);
        if (dtlsCluster != null) {
            builder.dtlsCluster(clusterAddress(dtlsCluster));
        }
        if (nodeUrl != null) {
            try {
                builder.nodeUrl(new URI(nodeUrl));
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--node-url: " + (e instanceof IllegalArgumentException
                        ? e.getMessage() : "not a URL: " + nodeUrl));
            }
        }
    }

    /** HOST:PORT ([v6]:PORT) of a concrete address: the other nodes send to it. */
    private InetSocketAddress clusterAddress(String value) {
        int colon = value.lastIndexOf(':');
        String usage = "--dtls-cluster must be HOST:PORT, an address the other nodes reach this node at, got '"
                + value + "'";
        if (colon <= 0) {
            throw new ParameterException(spec.commandLine(), usage);
        }
        String host = value.substring(0, colon).replaceAll("^\\[(.*)]$", "$1");
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (address.isUnresolved() || address.getAddress().isAnyLocalAddress()) {
                throw new ParameterException(spec.commandLine(), usage);
            }
            return address;
        } catch (IllegalArgumentException e) { // a bad port number
            throw new ParameterException(spec.commandLine(), usage);
        }
    }

    /**
     * On a first start (no token yet), or when asked to replace it, makes the admin token and prints it once, on
     * a line of its own: {@code Admin token: <token>}. Nothing prints it again.
     */
    static void printAdminToken(PortfolioServer server, boolean replace, PrintWriter out) {
        if (replace) {
            server.tokens().revoke(PortfolioServer.FIRST_ADMIN_TOKEN);
        }
        Optional<String> created = replace
                ? Optional.of(server.tokens().create(PortfolioServer.FIRST_ADMIN_TOKEN, Role.ADMIN).secret())
                : server.createFirstAdminToken();
        if (created.isPresent()) {
            out.println("Admin token: " + created.get());
            out.println("(shown only now: keep it, e.g. in PORTFOLIO_TOKEN; portfolio tokens create makes more)");
        }
        out.flush();
    }

    private RegistrationLimits registrationLimits() {
        if (registrationBurst < 1) {
            throw new ParameterException(spec.commandLine(), "--registration-burst must be at least 1, got "
                    + registrationBurst);
        }
        if (!(registrationRate > 0) || Double.isInfinite(registrationRate)) {
            throw new ParameterException(spec.commandLine(), "--registration-rate must be a positive number, got "
                    + registrationRate);
        }
        return RegistrationLimits.defaults().withPerSource(registrationBurst, registrationRate);
    }

    private Duration purgeStrangersAfter() {
        if (purgeStrangersAfter.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--purge-strangers-after must not be negative, got "
                    + purgeStrangersAfter);
        }
        return purgeStrangersAfter;
    }

    private FleetSecrets keyedSecrets;

    /** The fleet secrets by key id of --fleet-key-file, or null when it holds one bare secret (or is not given). */
    private FleetSecrets keyedFleetSecrets() {
        if (keyedSecrets == null && fleetKeyFile != null) {
            List<String> lines = FleetSecretFile.lines(spec, "--fleet-key-file", fleetKeyFile);
            if (FleetSecrets.isKeyedFormat(lines)) {
                if (fleetKeyHex != null) {
                    throw new ParameterException(spec.commandLine(),
                            "--fleet-key and --fleet-key-file exclude each other");
                }
                try {
                    keyedSecrets = FleetSecrets.parse(lines, fleetKeyFile.toString(), Clock.systemUTC());
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--fleet-key-file " + e.getMessage());
                }
            }
        }
        return keyedSecrets;
    }

    private java.net.URI webhookUri() {
        try {
            java.net.URI uri = new java.net.URI(webhook.strip());
            if (uri.getScheme() != null && uri.getScheme().matches("(?i)https?") && uri.getHost() != null) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // answered below, without the URL: it may hold a secret
        }
        throw new ParameterException(spec.commandLine(), "--webhook must be an http:// or https:// URL with a host");
    }

    /** A bad --certified file is bad usage, found before anything (the server's identity) is made. */
    private void checkCertified() {
        if (certified == null) {
            return;
        }
        String csv = InputFiles.text(spec, "--certified", certified, CERTIFIED_EXPECTED);
        try {
            CertificationCsv.parseCertifications(new StringReader(csv));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--certified " + certified + ": " + e.getMessage()
                    + "; give the path of " + CERTIFIED_EXPECTED);
        }
    }

    private Revocations revocations() {
        if (revoked == null) {
            return Revocations.NONE;
        }
        String text = InputFiles.text(spec, "--revoked", revoked, "a file of serial numbers or SHA-256 fingerprints");
        try {
            return Revocations.parse(text.lines().toList(), revoked.toString());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--revoked " + revoked + ": " + e.getMessage());
        }
    }

    /**
     * Starts the server, starts what goes with it (closed before the server on the way out), then serves
     * until the first stop signal (SIGTERM, Ctrl-C), and stops gracefully ({@link PortfolioServer#shutdown}),
     * saying what it did in two lines. The first line after the start is the web console's address, with
     * a one-time login code when {@code loginLink} (the demo: a server's output may be kept in logs).
     */
    static void runUntilStopped(PortfolioServer server, PrintWriter out, boolean loginLink,
            Callable<AutoCloseable> afterStart, StopSignals signals, Duration grace) throws Exception {
        AutoCloseable companion = null;
        boolean stopped = false;
        try {
            if (signals.first() != null) { // asked to stop while it was being built
                out.println("stopped (" + signals.first() + ") before serving");
                out.flush();
                return;
            }
            server.start();
            if (server.restUri() != null) {
                out.println(loginLink
                        ? "Console:      " + server.consoleLoginLink() + "  (one-time login link, valid 15 minutes)"
                        : "Console:      " + server.restUri() + "/  (log in with an API token)");
            }
            out.println("LwM2M server: " + server.lwm2mUris()
                    + (server.lwm2mOnAllInterfaces() ? " (listening on all interfaces)" : ""));
            out.println("DTLS identity: " + server.serverCertificate().getSubjectX500Principal().getName()
                    + " (RPK devices pin the key of this certificate)");
            out.println("REST API:     " + server.restUri() + "/api/devices  (OpenAPI: " + server.restUri()
                    + "/api/openapi.json)" + (server.restOnAllInterfaces() ? " (listening on all interfaces)" : ""));
            out.flush();
            companion = afterStart.call();
            out.println("serving until Ctrl-C");
            out.flush();
            signals.requested().await();
            closeQuietly(companion);
            companion = null;
            Collector.Drain drain = server.shutdown(grace, (inFlight, notStarted) -> {
                out.println("stopping (" + signals.first() + "): " + inFlight + " collections in flight, "
                        + notStarted + " waiting not started; new registrations answered 5.03, REST requests 503; "
                        + "waiting up to " + DurationConverter.format(grace));
                out.flush();
            });
            stopped = true;
            out.println("stopped: " + drain.finished() + " finished, " + drain.interrupted()
                    + " recorded as interrupted; inventory closed");
            out.flush();
        } finally {
            if (!stopped) {
                closeQuietly(companion);
                server.close();
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // on the way out: the server still has to stop
        }
    }
}
