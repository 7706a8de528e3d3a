package io.github.lwm2mportfolio.server;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.leshan.core.endpoint.Protocol;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.server.model.VersionedModelProvider;
import org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpoint;
import org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpointsProvider;
import org.eclipse.leshan.transport.californium.server.endpoint.coap.CoapServerProtocolProvider;
import org.eclipse.leshan.transport.californium.server.endpoint.coaps.CoapsServerProtocolProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.core.model.PortfolioModels;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.access.TokenStore;
import io.github.lwm2mportfolio.server.collector.Collector;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationCsv;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.inventory.Inventory;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.github.lwm2mportfolio.server.inventory.SecretSealer;
import io.github.lwm2mportfolio.server.rest.RestApi;
import io.github.lwm2mportfolio.server.rest.RestSettings;
import io.javalin.util.JavalinBindException;

/**
 * The whole server: a Leshan LwM2M server (CoAP and CoAPS) that knows model 16, the collector, the inventory
 * database and the REST API. Build with {@link #builder()}, then {@link #start()}.
 */
public final class PortfolioServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PortfolioServer.class);

    /** The name of the admin token made on a first start. */
    public static final String FIRST_ADMIN_TOKEN = "admin";

    private final LeshanServer lwm2m;
    private final JdbcInventory inventory;
    private final Collector collector;
    private final ServerEvents events;
    private final ServerKeys keys;
    private final ServerIdentity identity;
    private final RestSettings restSettings;
    private final boolean restOn;
    private RestApi rest;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PortfolioServer(LeshanServer lwm2m, JdbcInventory inventory, Collector collector, ServerEvents events,
            ServerKeys keys, ServerIdentity identity, RestSettings restSettings, boolean restOn) {
        this.lwm2m = lwm2m;
        this.inventory = inventory;
        this.collector = collector;
        this.events = events;
        this.keys = keys;
        this.identity = identity;
        this.restSettings = restSettings;
        this.restOn = restOn;
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
            collector.start();
            startLwm2m();
            if (restOn) {
                rest = startRest();
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("LwM2M server on {} and {}; REST API on {}", coapUri(), coapsUri(), restUri());
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
            CoapEndpoint endpoint = ((CaliforniumServerEndpoint) lwm2m.getEndpoint(protocol)).getCoapEndpoint();
            if (!endpoint.isStarted()) {
                InetSocketAddress address = endpoint.getAddress();
                throw new ListenerUnavailableException(protocol == Protocol.COAP ? "CoAP" : "CoAPs",
                        address.getHostString(), address.getPort(), failure);
            }
        }
    }

    private RestApi startRest() {
        try {
            return RestApi.start(restSettings, inventory, collector, events);
        } catch (JavalinBindException e) {
            throw new ListenerUnavailableException("REST API", restSettings.host(), restSettings.port(), e);
        }
    }

    public String coapUri() {
        return lwm2m.getEndpoint(Protocol.COAP).getURI().toString();
    }

    public String coapsUri() {
        return lwm2m.getEndpoint(Protocol.COAPS).getURI().toString();
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

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            if (rest != null) {
                rest.stop();
            }
            collector.close();
        } finally {
            try {
                lwm2m.destroy();
            } finally {
                inventory.close();
            }
        }
    }

    /** Configures a {@link PortfolioServer}; ports 0 pick free ones, an HTTP port of -1 turns the API off. */
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
        private Path trustDirectory;
        private Path identityFile;
        private char[] identityFilePassword;
        private byte[] fleetMasterKey;
        private CollectorConfig collectorConfig = CollectorConfig.defaults();
        private Duration verificationFreshness = Duration.ofHours(24);
        private Clock clock = Clock.systemUTC();

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

        /** A certification CSV to import at start (replaces the stored list). */
        public Builder certifiedCsv(Path file) {
            this.certifiedCsv = file;
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

        public Builder verificationFreshness(Duration freshness) {
            this.verificationFreshness = Objects.requireNonNull(freshness);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public PortfolioServer build() throws IOException {
            ServerKeys keys = new ServerKeys(fleetMasterKey);
            if (trustDirectory != null) {
                try {
                    int count = keys.trustDirectory(trustDirectory);
                    LOG.info("trusting {} certificates from {}", count, trustDirectory);
                } catch (java.security.cert.CertificateException e) {
                    throw new IllegalArgumentException("bad certificate in " + e.getMessage(), e);
                }
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
                int wereOnline = inventory.markAllOffline();
                if (wereOnline > 0) {
                    LOG.info("{} devices online before this start are offline until they register again",
                            wereOnline);
                }
                ServerEvents events = new ServerEvents();
                LeshanServer lwm2m = lwm2mServer(inventory, identity, dtlsTrust);
                Collector collector = new Collector(lwm2m, inventory, keys, events, collectorConfig, clock);
                return new PortfolioServer(lwm2m, inventory, collector, events, keys, identity,
                        RestSettings.defaults().withAddress(httpHost, Math.max(httpPort, 0)).withHttps(https)
                                .withCorsOrigins(corsOrigins), httpPort >= 0);
            } catch (RuntimeException | IOException e) {
                inventory.close();
                throw e;
            }
        }

        private static void importCertifications(Inventory inventory, Path file) throws IOException {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                CertificationList current = inventory.certifications();
                List<Certification> records = CertificationCsv.parseCertifications(reader);
                inventory.replaceCertifications(new CertificationList(records, current.allocatedUniqueIds()));
                // Visible, since it undoes changes made through the REST API since the last start.
                LOG.info("certifications: {} records from {} replace the {} stored ones", records.size(), file,
                        current.records().size());
            } catch (io.github.lwm2mportfolio.server.compliance.CertificationCsvException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }

        private LeshanServer lwm2mServer(Inventory inventory, ServerIdentity identity,
                List<X509Certificate> dtlsTrust) {
            InetAddress address;
            try {
                address = InetAddress.getByName(bindHost);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot bind to " + bindHost + ": " + e.getMessage(), e);
            }
            CaliforniumServerEndpointsProvider endpoints = new CaliforniumServerEndpointsProvider.Builder(
                    new CoapServerProtocolProvider(), new CoapsServerProtocolProvider())
                    .addEndpoint(new InetSocketAddress(address, coapPort), Protocol.COAP).addEndpoint(new InetSocketAddress(address, coapsPort), Protocol.COAPS).build();
            InventorySecurityStore securityStore = new InventorySecurityStore(inventory);
            LeshanServerBuilder builder = new LeshanServerBuilder().setEndpointsProviders(endpoints)
                    .setSecurityStore(securityStore)
                    .setObjectModelProvider(new VersionedModelProvider(PortfolioModels.serverModels()))
                    // One key for both: Leshan offers the certificate's key to RPK devices.
                    .setPrivateKey(identity.privateKey()).setPublicKey(identity.certificate().getPublicKey())
                    .setCertificateChain(identity.chain());
            // Never an empty array: Californium reads it as "trust every certificate".
            if (!dtlsTrust.isEmpty()) {
                builder.setTrustedCertificates(dtlsTrust.toArray(X509Certificate[]::new));
                builder.setAuthorizer(new FleetCertificateAuthorizer(securityStore));
            }
            LeshanServer lwm2m = builder.build();
            // Leshan only logs a DTLS configuration it cannot use and runs without CoAPS; refuse that.
            if (lwm2m.getEndpoint(Protocol.COAPS) == null) {
                lwm2m.destroy();
                throw new IllegalArgumentException("cannot set up DTLS with the server identity "
                        + identity.source() + " (see the log for Californium's reason)");
            }
            return lwm2m;
        }
    }
}
