package io.github.lwm2mportfolio.server;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.leshan.core.endpoint.Protocol;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.server.model.VersionedModelProvider;
import org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpoint;
import org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpointsProvider;
import org.eclipse.leshan.transport.californium.server.endpoint.coap.CoapServerProtocolProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.core.model.PortfolioModels;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.access.TokenStore;
import io.github.lwm2mportfolio.server.collector.CollectionLeases;
import io.github.lwm2mportfolio.server.collector.Collector;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationCsv;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.inventory.CertificationSource;
import io.github.lwm2mportfolio.server.inventory.DatabaseWait;
import io.github.lwm2mportfolio.server.inventory.Inventory;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.github.lwm2mportfolio.server.inventory.SecretSealer;
import io.github.lwm2mportfolio.server.metrics.ServerMetrics;
import io.github.lwm2mportfolio.server.registration.RegistrationGate;
import io.github.lwm2mportfolio.server.registration.RegistrationLimits;
import io.github.lwm2mportfolio.server.redis.ClusterNodes;
import io.github.lwm2mportfolio.server.redis.DtlsClusterNodes;
import io.github.lwm2mportfolio.server.redis.RedisCollectionLeases;
import io.github.lwm2mportfolio.server.redis.RedisEventRelay;
import io.github.lwm2mportfolio.server.redis.RedisRegistrationStore;
import io.github.lwm2mportfolio.server.redis.RedisRevocationRelay;
import io.github.lwm2mportfolio.server.redis.RegistrationHolders;
import io.github.lwm2mportfolio.server.redis.RedisUris;
import io.github.lwm2mportfolio.server.redis.SharedRedis;
import io.github.lwm2mportfolio.server.redis.ThisNodesDevices;
import io.github.lwm2mportfolio.server.rest.RestApi;
import io.github.lwm2mportfolio.server.rest.RestSettings;
import io.github.lwm2mportfolio.server.rest.StartupHealth;
import io.javalin.util.JavalinBindException;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The whole server: a Leshan LwM2M server (CoAP and CoAPS) that knows model 16, the collector, the inventory
 * database and the REST API. Build with {@link #builder()}, then {@link #start()}.
 */
public final class PortfolioServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PortfolioServer.class);

    /** The name of the admin token made on a first start. */
    public static final String FIRST_ADMIN_TOKEN = "admin";

    /** The prefix of the Redis keys of a deployment that does not name its own. */
    public static final String DEFAULT_REDIS_PREFIX = "portfolio:";

    /** How long past its lifetime a shared registration stays: room for the clocks of the nodes. */
    private static final long REGISTRATION_GRACE_SECONDS = 5;
    private static final long EXPIRY_CHECK_SECONDS = 2;
    /**
     * How long a dead node's collection leases keep other nodes from its devices, and how long it still counts as
     * alive to them: 30 s. The system property {@value #CLUSTER_TTL_PROPERTY} (an ISO-8601 duration) shortens it,
     * for tests only: process tests that kill a node.
     */
    public static final String CLUSTER_TTL_PROPERTY = "portfolio.cluster-ttl";
    private static final Duration DEFAULT_CLUSTER_TTL = Duration.ofSeconds(30);

    private final LeshanServer lwm2m;
    private final JdbcInventory inventory;
    private final Collector collector;
    private final ServerEvents events;
    private final ServerKeys keys;
    private final ServerIdentity identity;
    private final RestSettings restSettings;
    private final boolean restOn;
    private final URI webhookUri;
    private final ComplianceWebhook.Settings webhookSettings;
    private final ServerMetrics metrics;
    private final SharedRedis redis;
    private final RedisCollectionLeases leases;
    private final DtlsConnectors dtls;
    private final DtlsClusterNodes dtlsNodes;
    private final ClusterNodes nodes;
    /** The base URI other nodes reach this node's REST API by; null for the one it listens on. */
    private final URI nodeUrl;
    private RestApi rest;
    private RedisEventRelay eventRelay;
    private RedisRevocationRelay revocationRelay;
    private ComplianceWebhook webhook;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final RegistrationGate gate;
    private volatile boolean stopping;

    /** The Max-Age of a refused Register and the Retry-After of a refused request while the server stops. */
    static final long RETRY_WHILE_STOPPING_SECONDS = 30;

    private PortfolioServer(LeshanServer lwm2m, RegistrationGate gate, JdbcInventory inventory, Collector collector,
            ServerEvents events, ServerKeys keys, ServerIdentity identity, RestSettings restSettings, boolean restOn,
            URI webhookUri, ComplianceWebhook.Settings webhookSettings, ServerMetrics metrics, SharedRedis redis,
            RedisCollectionLeases leases, ClusterNodes nodes, URI nodeUrl, DtlsConnectors dtls,
            DtlsClusterNodes dtlsNodes) {
        this.lwm2m = lwm2m;
        this.gate = gate;
        this.metrics = metrics;
        this.inventory = inventory;
        this.collector = collector;
        this.events = events;
        this.keys = keys;
        this.identity = identity;
        this.restSettings = restSettings;
        this.restOn = restOn;
        this.webhookUri = webhookUri;
        this.webhookSettings = webhookSettings;
        this.redis = redis;
        this.leases = leases;
        this.nodes = nodes;
        this.nodeUrl = nodeUrl;
        this.dtls = dtls;
        this.dtlsNodes = dtlsNodes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts every listener, or none: a port that cannot be bound closes the server and throws
     * {@link ListenerUnavailableException}.
     */
    public void start() {
        try {
            if (webhookUri != null) {
                webhook = ComplianceWebhook.start(webhookUri, webhookSettings, RestApi.objectMapper(), events);
            }
            if (redis != null) {
                eventRelay = RedisEventRelay.start(redis, events, RestApi.objectMapper());
                revocationRelay = RedisRevocationRelay.start(redis, inventory::revocations, keys::revoke,
                        inventory::addRevocationListener);
            }
            collector.start();
            startLwm2m();
            if (dtlsNodes != null) {
                dtlsNodes.start(dtls::boundClusterAddress);
                LOG.info("DTLS node id {}{}", dtlsNodes.nodeId(), dtls.boundClusterAddress() == null
                        ? " (records whose Connection ID names another node are dropped)"
                        : "; records whose Connection ID names another node are forwarded from "
                                + dtls.boundClusterAddress());
            }
            if (restOn) {
                rest = startRest();
                metrics.bindHttpThreads(rest.threadPool());
            }
            if (nodes != null) {
                nodes.announce(rest == null ? null : restUriForNodes());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("LwM2M server on {}; REST API on {}", lwm2mUris(), restUri() == null ? "none" : restUri());
    }

    /** Californium's CoapServer only logs an endpoint that cannot bind while the others start: check each one. */
    private void startLwm2m() {
        RuntimeException failure = null;
        try {
            lwm2m.start();
        } catch (IllegalStateException e) { // none of the endpoints started
            failure = e;
        }
        for (Protocol protocol : List.of(Protocol.COAP, Protocol.COAPS)) {
            if (lwm2m.getEndpoint(protocol) == null) {
                continue; // plain CoAP turned off
            }
            CoapEndpoint endpoint = coapEndpoint(lwm2m, protocol);
            if (!endpoint.isStarted()) {
                InetSocketAddress address = endpoint.getAddress();
                throw new ListenerUnavailableException(protocol == Protocol.COAP ? "CoAP" : "CoAPs",
                        address.getHostString(), address.getPort(), failure);
            }
        }
    }

    /** What this node announces to the others as its REST API's base URI. */
    private URI restUriForNodes() {
        if (nodeUrl != null) {
            return nodeUrl;
        }
        if (rest.onAllInterfaces()) {
            LOG.warn("the REST API listens on every interface and no --node-url is given: node {} tells the other "
                    + "nodes {}, which only a node on this machine reaches; give the URL they reach it by",
                    redis.node(), rest.uri());
        }
        return URI.create(rest.uri());
    }

    private RestApi startRest() {
        try {
            return RestApi.start(restSettings, inventory, collector, events, this::readiness, metrics::scrape,
                    nodes == null ? null : new RegistrationHolders(lwm2m, nodes));
        } catch (JavalinBindException e) {
            throw new ListenerUnavailableException("REST API", restSettings.host(), restSettings.port(), e);
        }
    }

    /**
     * What /health/ready checks beside the database: the server is not stopping, its LwM2M endpoints serve and, for
     * a node of several, Redis answers.
     */
    private Map<String, Optional<String>> readiness() {
        Map<String, Optional<String>> checks = new LinkedHashMap<>();
        checks.put("server", stopping || closed.get() ? Optional.of("stopping") : Optional.empty());
        List<String> down = new ArrayList<>();
        for (Protocol protocol : List.of(Protocol.COAP, Protocol.COAPS)) {
            CaliforniumServerEndpoint endpoint = (CaliforniumServerEndpoint) lwm2m.getEndpoint(protocol);
            if (endpoint != null && !endpoint.getCoapEndpoint().isStarted()) {
                down.add(endpoint.getURI() + " is not serving");
            }
        }
        checks.put("lwm2m", down.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", down)));
        if (redis != null) {
            checks.put("redis", redis.problem());
        }
        return checks;
    }

    private static CoapEndpoint coapEndpoint(LeshanServer lwm2m, Protocol protocol) {
        return ((CaliforniumServerEndpoint) lwm2m.getEndpoint(protocol)).getCoapEndpoint();
    }

    /** The plain CoAP URI, or null when plain CoAP is off (a CoAP port of -1). */
    public String coapUri() {
        return lwm2m.getEndpoint(Protocol.COAP) == null ? null
                : ListenAddresses.usable(lwm2m.getEndpoint(Protocol.COAP).getURI().toString());
    }

    /** The LwM2M URIs that listen, e.g. "coap://0.0.0.0:5683 and coaps://0.0.0.0:5684" or only the coaps one. */
    public String lwm2mUris() {
        return coapUri() == null ? coapsUri() + " (plain CoAP off)" : coapUri() + " and " + coapsUri();
    }

    public String coapsUri() {
        return ListenAddresses.usable(lwm2m.getEndpoint(Protocol.COAPS).getURI().toString());
    }

    /** Whether the LwM2M endpoints listen on every interface (bound to the wildcard address). */
    public boolean lwm2mOnAllInterfaces() {
        return ListenAddresses.isWildcard(lwm2m.getEndpoint(Protocol.COAPS).getURI().getHost());
    }

    /** Whether the REST API listens on every interface (its URI then names 127.0.0.1). */
    public boolean restOnAllInterfaces() {
        return rest != null && rest.onAllInterfaces();
    }

    /** The REST API's base URI, e.g. http://127.0.0.1:8080, or null when it is off. */
    public String restUri() {
        return rest == null ? null : rest.uri();
    }

    /**
     * The web console's address with a one-time login code (good for one login within 15 minutes), or null
     * when the REST API is off. Each call makes a new code.
     */
    public String consoleLoginLink() {
        return rest == null ? null : rest.consoleLoginLink();
    }

    /** The REST API's tokens: {@code tokens().create("ci", Role.OPERATOR).secret()} is a new token's text. */
    public TokenStore tokens() {
        return inventory.tokens();
    }

    /**
     * On a first start (no token at all yet), creates the admin token named {@value #FIRST_ADMIN_TOKEN} and
     * returns its text, which exists nowhere else: the caller shows it once. Empty when tokens exist.
     */
    public synchronized Optional<String> createFirstAdminToken() {
        if (!inventory.tokens().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(inventory.tokens().create(FIRST_ADMIN_TOKEN, Role.ADMIN).secret());
    }

    public Inventory inventory() {
        return inventory;
    }

    public Collector collector() {
        return collector;
    }

    public ServerEvents events() {
        return events;
    }

    public ServerKeys keys() {
        return keys;
    }

    /** The webhook of compliance changes, when one was given and the server started. */
    public Optional<ComplianceWebhook> webhook() {
        return Optional.ofNullable(webhook);
    }

    /** The server's DTLS public key, for provisioning RPK devices. */
    public PublicKey serverPublicKey() {
        return identity.certificate().getPublicKey();
    }

    /** The server's DTLS certificate, for provisioning X.509 devices. */
    public X509Certificate serverCertificate() {
        return identity.certificate();
    }

    public LeshanServer lwm2mServer() {
        return lwm2m;
    }

    /**
     * Stops gracefully: new Registers are answered 5.03 and REST requests 503 (both with a wait of
     * {@value #RETRY_WHILE_STOPPING_SECONDS} s), the collections under way get {@code grace} to finish and those
     * still running then are recorded as interrupted ({@link Collector#drain}), then everything closes, the
     * inventory last. {@code begun} hears how many collections run and how many waited (dropped) as the wait begins.
     */
    public Collector.Drain shutdown(Duration grace, BiConsumer<Integer, Integer> begun) {
        stopping = true;
        try {
            if (gate != null) {
                gate.close("the server is stopping; register again later", RETRY_WHILE_STOPPING_SECONDS);
            }
            if (rest != null) {
                rest.refuseRequests("the server is stopping; try again later", RETRY_WHILE_STOPPING_SECONDS);
            }
            return collector.drain(grace, begun);
        } finally {
            close();
        }
    }

    /** The server's meters (served on {@code GET /metrics}); the builder's registry receives them too. */
    public MeterRegistry metrics() {
        return metrics.registry();
    }

    /** The live nodes of the deployment, when this server is one of several sharing Redis ({@link Builder#redis}). */
    public Optional<ClusterNodes> clusterNodes() {
        return Optional.ofNullable(nodes);
    }

    /** Where this node takes DTLS records forwarded by the other nodes, or empty ({@link Builder#dtlsCluster}). */
    public Optional<InetSocketAddress> dtlsClusterAddress() {
        return Optional.ofNullable(dtls.boundClusterAddress());
    }

    /** This node's name when it is one of several sharing Redis ({@link Builder#redis}). */
    public Optional<String> nodeName() {
        return redis == null ? Optional.empty() : Optional.of(redis.node());
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            if (nodes != null) {
                nodes.close();
            }
            if (rest != null) {
                rest.stop();
            }
            collector.close();
            if (leases != null) {
                leases.close();
            }
            if (dtlsNodes != null) {
                dtlsNodes.close();
            }
            if (webhook != null) {
                webhook.close();
            }
            if (eventRelay != null) {
                eventRelay.close();
            }
            if (revocationRelay != null) {
                revocationRelay.close();
            }
        } finally {
            try {
                lwm2m.destroy();
            } finally {
                try {
                    inventory.close();
                    metrics.close();
                } finally {
                    if (redis != null) {
                        redis.close();
                    }
                }
            }
        }
    }

    /**
     * Configures a {@link PortfolioServer}; ports 0 pick free ones, an HTTP port of -1 turns the API off, a CoAP
     * port of -1 turns plain CoAP off (devices then come over DTLS only).
     */
    public static final class Builder {
        private String bindHost = "0.0.0.0";
        private String httpHost = RestSettings.DEFAULT_HOST;
        private RestSettings.Https https;
        private List<String> corsOrigins = List.of();
        private int coapPort = 5683;
        private int coapsPort = 5684;
        private int httpPort = 8080;
        private String jdbcUrl;
        private Path dataDirectory = Path.of("portfolio-data", "server");
        private Path certifiedCsv;
        private Revocations revokedAtStart = Revocations.NONE;
        private URI webhookUri;
        private ComplianceWebhook.Settings webhookSettings = ComplianceWebhook.Settings.defaults();
        private Path trustDirectory;
        private Path identityFile;
        private char[] identityFilePassword;
        private byte[] fleetMasterKey;
        private CollectorConfig collectorConfig = CollectorConfig.defaults();
        private RegistrationLimits registrationLimits = RegistrationLimits.defaults();
        private Duration verificationFreshness = Duration.ofHours(24);
        private Clock clock = Clock.systemUTC();
        private Duration databaseWait;
        private CountDownLatch stopRequested = new CountDownLatch(1);
        /** The gate of the server being built, set by {@link #lwm2mServer}. */
        private RegistrationGate gate;
        private MeterRegistry meterRegistry;
        private String redisUri;
        private String redisPrefix = DEFAULT_REDIS_PREFIX;
        private String nodeName;
        private Integer dtlsNodeId;
        private InetSocketAddress dtlsCluster;
        private Duration clusterTtl;
        private URI nodeUrl;

        /** The LwM2M (CoAP, CoAPS) address to listen on; default every address. */
        public Builder bindHost(String host) {
            this.bindHost = Objects.requireNonNull(host);
            return this;
        }

        /** The REST API's address to listen on; default loopback (127.0.0.1). */
        public Builder httpHost(String host) {
            this.httpHost = Objects.requireNonNull(host);
            return this;
        }

        /** Serves the REST API over HTTPS (only) with this PKCS#12 key store (one key and its chain). */
        public Builder https(Path keyStore, char[] password) {
            this.https = new RestSettings.Https(keyStore, password.clone());
            return this;
        }

        /** Origins whose web pages may call the REST API (CORS); none by default. */
        public Builder corsOrigins(List<String> origins) {
            this.corsOrigins = List.copyOf(origins);
            return this;
        }

        public Builder coapPort(int port) {
            this.coapPort = port;
            return this;
        }

        public Builder coapsPort(int port) {
            this.coapsPort = port;
            return this;
        }

        public Builder httpPort(int port) {
            this.httpPort = port;
            return this;
        }

        /** A JDBC URL (jdbc:postgresql://...); default an H2 file database in the data directory. */
        public Builder jdbcUrl(String url) {
            this.jdbcUrl = url;
            return this;
        }

        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory);
            return this;
        }

        /**
         * A certification CSV to import at start: it replaces the stored list, unless that was last changed through
         * the REST API (then the file is not applied, and the log says so).
         */
        public Builder certifiedCsv(Path file) {
            this.certifiedCsv = file;
            return this;
        }

        /**
         * Revoked certificates of a start-up file ({@code --revoked}): added to the list kept in the inventory
         * (which {@code PUT /api/revocations} replaces), never removing from it.
         */
        public Builder revoked(Revocations revocations) {
            this.revokedAtStart = Objects.requireNonNull(revocations);
            return this;
        }

        /** POSTs every compliance change as JSON to this URL ({@link ComplianceWebhook}). */
        public Builder webhook(URI uri) {
            this.webhookUri = uri;
            return this;
        }

        public Builder webhookSettings(ComplianceWebhook.Settings settings) {
            this.webhookSettings = Objects.requireNonNull(settings);
            return this;
        }

        /**
         * A directory of trusted CA or device certificates: for the sign service, and as DTLS trust anchors for
         * devices that use X.509.
         */
        public Builder trustDirectory(Path directory) {
            this.trustDirectory = directory;
            return this;
        }

        /**
         * The server's DTLS identity from an operator's PKCS#12 file (one EC private key and its certificate
         * chain), instead of server-identity.p12 in the data directory.
         */
        public Builder serverIdentity(Path p12, char[] password) {
            this.identityFile = Objects.requireNonNull(p12, "p12");
            this.identityFilePassword = Objects.requireNonNull(password, "password").clone();
            return this;
        }

        /** The fleet master key MAC and encryption keys derive from (the same as the clients'). */
        public Builder fleetMasterKey(byte[] key) {
            this.fleetMasterKey = key == null ? null : key.clone();
            return this;
        }

        public Builder collector(CollectorConfig config) {
            this.collectorConfig = Objects.requireNonNull(config);
            return this;
        }

        /** Registrations per source address and the lifetimes accepted (issue 11). */
        public Builder registrationLimits(RegistrationLimits limits) {
            this.registrationLimits = Objects.requireNonNull(limits);
            return this;
        }

        public Builder verificationFreshness(Duration freshness) {
            this.verificationFreshness = Objects.requireNonNull(freshness);
            return this;
        }

        /**
         * An application's registry that gets the server's meters as well; without one they are only served on
         * {@code GET /metrics}.
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = registry;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * Waits this long at most for a PostgreSQL database that does not accept connections at start
         * ({@link DatabaseWait}), serving health on the REST API's address meanwhile; nothing (data, identity,
         * listeners) is made before it answers. Zero: one attempt. Not set: no wait. Counting {@code stop} down ends
         * the wait.
         */
        public Builder databaseWait(Duration limit, CountDownLatch stop) {
            this.databaseWait = Objects.requireNonNull(limit);
            this.stopRequested = Objects.requireNonNull(stop);
            return this;
        }

        /**
         * Makes this server one node of several: registrations, observations and collection leases in the Redis
         * at this URI (redis://host:port), shared by the nodes, which also share the inventory database
         * ({@link #jdbcUrl}). Without it the server keeps them in memory, alone.
         */
        public Builder redis(String uri) {
            this.redisUri = uri;
            return this;
        }

        /** The prefix of this deployment's Redis keys; default {@value #DEFAULT_REDIS_PREFIX}. */
        public Builder redisPrefix(String prefix) {
            this.redisPrefix = Objects.requireNonNull(prefix);
            return this;
        }

        /** This node's name among the nodes sharing Redis: needed with {@link #redis}, unique to each node. */
        public Builder nodeName(String name) {
            this.nodeName = name;
            return this;
        }

        /**
         * The first byte of the DTLS Connection IDs this node hands out (0 to 255), its own among the nodes; default
         * derived from {@link #nodeName}. Only with {@link #redis}.
         */
        public Builder dtlsNodeId(Integer id) {
            this.dtlsNodeId = id;
            return this;
        }

        /**
         * Forward DTLS records whose Connection ID names another node to that node, and take the others' on this
         * address (reachable by the other nodes; port 0 picks one), so that a load balancer that routes by source
         * address still reaches the node holding a session. Default none. Only with {@link #redis}.
         */
        public Builder dtlsCluster(InetSocketAddress address) {
            this.dtlsCluster = address;
            return this;
        }

        /**
         * How long a dead node's collection leases and its announcement outlive it (default 30 s, or the system
         * property {@value PortfolioServer#CLUSTER_TTL_PROPERTY}): shorter for tests that kill a node.
         */
        public Builder clusterTtl(Duration ttl) {
            this.clusterTtl = Objects.requireNonNull(ttl);
            return this;
        }

        private Duration clusterTtl() {
            String property = System.getProperty(CLUSTER_TTL_PROPERTY);
            if (clusterTtl != null) {
                return clusterTtl;
            }
            if (property == null) {
                return DEFAULT_CLUSTER_TTL;
            }
            try {
                return Duration.parse(property);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("-D" + CLUSTER_TTL_PROPERTY + " is an ISO-8601 duration (PT10S), not '"
                        + property + "'");
            }
        }

        /**
         * The base URI the other nodes reach this node's REST API by, when not the one it listens on (an API on
         * 0.0.0.0 listens on 127.0.0.1 as far as another machine knows): http(s)://host:port, nothing after.
         */
        public Builder nodeUrl(URI url) {
            if (url != null && (!("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
                    || url.getHost() == null || url.getRawUserInfo() != null || url.getRawQuery() != null
                    || url.getRawFragment() != null || !(url.getRawPath() == null || url.getRawPath().isEmpty()
                            || url.getRawPath().equals("/")))) {
                throw new IllegalArgumentException("a node URL is http://host:port or https://host:port, with "
                        + "nothing after the port, e.g. https://node-a.example.net:8443; got " + url);
            }
            this.nodeUrl = url == null ? null : URI.create(url.getScheme() + "://" + url.getRawAuthority());
            return this;
        }

        public PortfolioServer build() throws IOException {
            if (redisUri == null && (dtlsNodeId != null || dtlsCluster != null)) {
                throw new IllegalArgumentException("a DTLS node id and cluster address go with --redis");
            }
            if (dtlsCluster != null && (dtlsCluster.isUnresolved() || dtlsCluster.getAddress().isAnyLocalAddress())) {
                throw new IllegalArgumentException("the DTLS cluster address is one the other nodes reach this node "
                        + "at, not " + dtlsCluster.getHostString());
            }
            if (nodeUrl != null && redisUri == null) {
                throw new IllegalArgumentException("a node URL (--node-url) is for a node of several (--redis)");
            }
            if (redisUri != null && nodeName == null) {
                throw new IllegalArgumentException("a server on Redis needs a node name (--node NAME)");
            }
            if (redisUri != null && (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:"))) {
                throw new IllegalArgumentException("the nodes sharing Redis share their inventory too: give them "
                        + "a PostgreSQL database (--db jdbc:postgresql://...)");
            }
            SharedRedis redis = redisUri == null ? null : SharedRedis.connect(redisUri, redisPrefix, nodeName);
            DtlsClusterNodes dtlsNodes = null;
            try {
                if (redis == null) {
                    return build(redis, DtlsConnectors.alone(), null);
                }
                ClusterNodes.requireFreeName(redis, clusterTtl());
                dtlsNodes = DtlsClusterNodes.claim(redis,
                        dtlsNodeId != null ? dtlsNodeId : DtlsClusterNodes.idOf(nodeName));
                return build(redis, dtlsCluster == null ? DtlsConnectors.node(dtlsNodes.nodeId())
                        : DtlsConnectors.forwarding(dtlsNodes.nodeId(), dtlsCluster, dtlsNodes), dtlsNodes);
            } catch (RuntimeException | IOException e) {
                if (dtlsNodes != null) {
                    dtlsNodes.close();
                }
                if (redis != null) {
                    redis.close();
                }
                throw e;
            }
        }

        private PortfolioServer build(SharedRedis redis, DtlsConnectors dtls, DtlsClusterNodes dtlsNodes)
                throws IOException {
            ServerKeys keys = new ServerKeys(fleetMasterKey);
            if (trustDirectory != null) {
                try {
                    int count = keys.trustDirectory(trustDirectory);
                    LOG.info("trusting {} {} from {}", count, count == 1 ? "certificate" : "certificates",
                            trustDirectory);
                } catch (java.security.cert.CertificateException e) {
                    throw new IllegalArgumentException("bad certificate in " + e.getMessage(), e);
                }
            }
            if (databaseWait != null && DatabaseWait.applies(jdbcUrl)) {
                awaitDatabase();
            }
            DataDirectory.prepare(dataDirectory);
            ServerIdentity identity = identityFile != null ? ServerIdentity.open(identityFile, identityFilePassword)
                    : ServerIdentity.openOrCreate(dataDirectory.resolve(ServerIdentity.FILE_NAME));
            // Snapshot: anchors added later through keys().trust() are for AuthData, not for DTLS.
            List<X509Certificate> dtlsTrust = keys.trustAnchors();
            String url = jdbcUrl != null ? jdbcUrl : JdbcInventory.h2Url(dataDirectory);
            JdbcInventory inventory = JdbcInventory.open(url, clock, verificationFreshness,
                    SecretSealer.fromKeyFile(dataDirectory.resolve(SecretSealer.KEY_FILE_NAME)));
            try {
                DataDirectory.restrictFiles(dataDirectory);
                if (certifiedCsv != null) {
                    importCertifications(inventory, certifiedCsv);
                }
                applyRevocations(inventory, keys);
                // Announced when the server starts; the store asks it whether a registration's node is alive.
                ClusterNodes nodes = redis == null ? null : new ClusterNodes(redis, clusterTtl());
                RedisRegistrationStore sharedRegistrations = redis == null ? null
                        : new RedisRegistrationStore(redis, REGISTRATION_GRACE_SECONDS, EXPIRY_CHECK_SECONDS,
                                name -> nodes.alive(name).isPresent());
                // Other nodes may serve devices now: only a fresh shared store says that none is online.
                int wereOnline = sharedRegistrations == null || sharedRegistrations.isEmpty()
                        ? inventory.markAllOffline() : 0;
                if (wereOnline > 0) {
                    LOG.info("{} {} online before this start {} offline until they register again",
                            wereOnline, wereOnline == 1 ? "device" : "devices", wereOnline == 1 ? "is" : "are");
                }
                ServerEvents events = new ServerEvents();
                inventory.addComplianceListener(events::publish);
                LeshanServer lwm2m = lwm2mServer(inventory, identity, dtlsTrust, keys, sharedRegistrations, dtls);
                if (redis != null) {
                    if (gate != null) {
                        gate.refuseWhileStoreDown(redis::disconnected);
                    }
                    LOG.info("node {} of the servers sharing Redis {} (keys {}*)", redis.node(),
                            RedisUris.withoutSecret(redisUri), redisPrefix);
                }
                RedisCollectionLeases leases = redis == null ? null
                        : new RedisCollectionLeases(redis, clusterTtl());
                ServerMetrics metrics = new ServerMetrics(meterRegistry);
                Collector collector = new Collector(lwm2m, inventory, keys, events, collectorConfig, clock,
                        metrics.collector(), leases == null ? CollectionLeases.LOCAL : new ThisNodesDevices(lwm2m, leases, redis.node()));
                metrics.bind(lwm2m, collector, inventory);
                return new PortfolioServer(lwm2m, gate, inventory, collector, events, keys, identity,
                        restSettings(), httpPort >= 0, webhookUri, webhookSettings, metrics, redis, leases, nodes,
                        nodeUrl, dtls, dtlsNodes);
            } catch (RuntimeException | IOException e) {
                inventory.close();
                throw e;
            }
        }

        private RestSettings restSettings() {
            return RestSettings.defaults().withAddress(httpHost, Math.max(httpPort, 0)).withHttps(https)
                    .withCorsOrigins(corsOrigins);
        }

        /** Waits for the database, with health (not ready) on the REST API's address while it is not there. */
        private void awaitDatabase() {
            DatabaseWait wait = new DatabaseWait(jdbcUrl, databaseWait, stopRequested);
            if (wait.reachableNow()) {
                return;
            }
            StartupHealth health = null;
            if (httpPort >= 0 && !databaseWait.isZero()) {
                try {
                    health = StartupHealth.start(restSettings(), () -> "waiting for the database: "
                            + Objects.requireNonNullElse(wait.problem(), "it answers now"));
                } catch (JavalinBindException e) {
                    throw new ListenerUnavailableException("REST API", httpHost, httpPort, e);
                }
                LOG.info("health at {}://{}:{}/health/ready (not ready) while waiting for the database",
                        https == null ? "http" : "https", ListenAddresses.isWildcard(httpHost) ? "127.0.0.1"
                                : httpHost, health.port());
            }
            try {
                wait.await();
            } finally {
                if (health != null) {
                    health.close();
                }
            }
        }

        /** The stored list and the start-up file's, in force for the verifier, and kept when the list changes. */
        private void applyRevocations(JdbcInventory inventory, ServerKeys keys) {
            Revocations stored = inventory.revocations();
            if (revokedAtStart.size() > 0) {
                Set<java.math.BigInteger> serials = new HashSet<>(stored.serials());
                Set<String> fingerprints = new HashSet<>(stored.fingerprints());
                serials.addAll(revokedAtStart.serials());
                fingerprints.addAll(revokedAtStart.fingerprints());
                Revocations merged = new Revocations(serials, fingerprints);
                if (merged.size() > stored.size()) {
                    inventory.replaceRevocations(merged);
                }
                LOG.info("revocations: {} entries of the --revoked file added to the {} stored ones: {} in force",
                        merged.size() - stored.size(), stored.size(), merged.size());
                stored = merged;
            } else if (stored.size() > 0) {
                LOG.info("revocations: {} stored entries in force", stored.size());
            }
            keys.revoke(stored);
            inventory.addRevocationListener(keys::revoke);
        }

        /**
         * The file replaces the stored list, unless that was last changed through the REST API: an edit there
         * is never undone silently by the next start. Either way the log says what happened, with the counts.
         */
        private static void importCertifications(Inventory inventory, Path file) throws IOException {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                CertificationList current = inventory.certifications();
                List<Certification> records = CertificationCsv.parseCertifications(reader);
                Optional<CertificationSource> source = inventory.certificationSource();
                if (source.isPresent() && source.get().throughApi()) {
                    LOG.warn("certifications: NOT applying the {} records of {}: the {} stored ones were changed "
                            + "through the REST API by {} at {}; to use the file, run portfolio certifications "
                            + "replace {}", records.size(), file, current.records().size(), source.get().changedBy(),
                            source.get().at(), file);
                    return;
                }
                inventory.replaceCertifications(new CertificationList(records, current.allocatedUniqueIds()),
                        "file " + file, false);
                LOG.info("certifications: {} records from {} replace the {} stored ones", records.size(), file,
                        current.records().size());
            } catch (io.github.lwm2mportfolio.server.compliance.CertificationCsvException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }

        private LeshanServer lwm2mServer(Inventory inventory, ServerIdentity identity,
                List<X509Certificate> dtlsTrust, ServerKeys keys, RedisRegistrationStore sharedRegistrations,
                DtlsConnectors dtls) {
            InetAddress address;
            try {
                address = InetAddress.getByName(bindHost);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot bind to " + bindHost + ": " + e.getMessage(), e);
            }
            CaliforniumServerEndpointsProvider.Builder endpointsBuilder = new CaliforniumServerEndpointsProvider.Builder(
                    new CoapServerProtocolProvider(), new HandshakeFailureLog(keys::revocation, dtls));
            if (coapPort >= 0) {
                endpointsBuilder.addEndpoint(new InetSocketAddress(address, coapPort), Protocol.COAP);
            }
            CaliforniumServerEndpointsProvider endpoints = endpointsBuilder
                    .addEndpoint(new InetSocketAddress(address, coapsPort), Protocol.COAPS).build();
            InventorySecurityStore securityStore = new InventorySecurityStore(inventory);
            RegistrationRefusals refusals = new RegistrationRefusals();
            LeshanServerBuilder builder = new LeshanServerBuilder().setEndpointsProviders(endpoints)
                    .setSecurityStore(securityStore)
                    .setObjectModelProvider(new VersionedModelProvider(PortfolioModels.serverModels()))
                    // One key for both: Leshan offers the certificate's key to RPK devices.
                    .setPrivateKey(identity.privateKey()).setPublicKey(identity.certificate().getPublicKey())
                    .setCertificateChain(identity.chain());
            if (sharedRegistrations != null) {
                builder.setRegistrationStore(sharedRegistrations);
            }
            // Never an empty array: Californium reads it as "trust every certificate".
            if (!dtlsTrust.isEmpty()) {
                builder.setTrustedCertificates(dtlsTrust.toArray(X509Certificate[]::new));
                builder.setAuthorizer(new FleetCertificateAuthorizer(securityStore, refusals, inventory,
                        sharedRegistrations != null));
            } else {
                builder.setAuthorizer(new RefusingAuthorizer(securityStore, refusals, inventory,
                        sharedRegistrations != null));
            }
            LeshanServer lwm2m = builder.build();
            if (endpoints.getCoapServer() != null) {
                gate = RegistrationGate.install(endpoints.getCoapServer(), registrationLimits,
                        new RegistrationHistory(lwm2m.getRegistrationService(), inventory));
            }
            // Leshan only logs a DTLS configuration it cannot use and runs without CoAPS; refuse that.
            if (lwm2m.getEndpoint(Protocol.COAPS) == null) {
                lwm2m.destroy();
                throw new IllegalArgumentException("cannot set up DTLS with the server identity "
                        + identity.source() + " (see the log for Californium's reason)");
            }
            RegistrationScreen screen = new RegistrationScreen(endpoints.getCoapServer().getMessageDeliverer());
            for (Protocol protocol : List.of(Protocol.COAP, Protocol.COAPS)) {
                if (lwm2m.getEndpoint(protocol) != null) {
                    coapEndpoint(lwm2m, protocol).addInterceptor(refusals);
                    coapEndpoint(lwm2m, protocol).setMessageDeliverer(screen);
                }
            }
            return lwm2m;
        }
    }
}
