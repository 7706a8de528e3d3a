package io.github.lwm2mportfolio.client;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.resource.listener.ObjectsListenerAdapter;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.eclipse.leshan.client.resource.LwM2mObjectEnabler;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.transport.californium.client.endpoint.CaliforniumClientEndpointsProvider;
import org.eclipse.leshan.transport.californium.client.endpoint.coap.CoapClientProtocolProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.client.object.DeviceEnabler;
import io.github.lwm2mportfolio.client.object.DeviceEnabler.ModuleInfo;
import io.github.lwm2mportfolio.client.object.PortfolioInstance;
import io.github.lwm2mportfolio.client.object.PortfolioObjectEnabler;
import io.github.lwm2mportfolio.client.object.PortfolioObjectEnabler.AuthSettings;
import io.github.lwm2mportfolio.client.registration.RegistrationBackOff;
import io.github.lwm2mportfolio.client.registration.RegistrationForm;
import io.github.lwm2mportfolio.client.registration.RegistrationFormEngineFactory;
import io.github.lwm2mportfolio.client.store.PortfolioStore;
import io.github.lwm2mportfolio.client.store.StoreException;
import io.github.lwm2mportfolio.client.store.StoredInstance;
import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.core.keys.KeySource;
import io.github.lwm2mportfolio.core.keys.KeyStorePasswords;
import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import io.github.lwm2mportfolio.core.model.AuthStatus;
import io.github.lwm2mportfolio.core.model.HostIdentity;
import io.github.lwm2mportfolio.core.model.PortfolioLimits;
import io.github.lwm2mportfolio.core.model.PortfolioModels;

/**
 * A Leshan LwM2M client with the Portfolio object (16) and a Device object (3) whose ExtDevInfo (22) links
 * to it. Build one with {@link #builder(String)}, then {@link #start()}; the host application changes its
 * identities through {@link #hostDevice()} and {@link #portfolios()}.
 */
public final class PortfolioClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PortfolioClient.class);
    /** The client's keys in its data directory, and the password generated for them. */
    public static final String KEY_STORE = "keys.p12";
    public static final String KEY_STORE_PASSWORD = "keys.password";

    /** Parsed once: loading Leshan's default models costs tens of milliseconds per client. */
    private static final StaticModel CLIENT_MODEL = new StaticModel(PortfolioModels.clientModels());

    private final String endpoint;
    private final String serverUri;
    private final RegistrationFormEngineFactory registrationEngines;
    private final LeshanClient leshan;
    private final PortfolioStore store;
    private final ExecutorService ownedAuthExecutor;
    private final Portfolios portfolios;
    private final HostDevice hostDevice;

    private PortfolioClient(String endpoint, String serverUri, RegistrationFormEngineFactory registrationEngines,
            LeshanClient leshan, PortfolioStore store, PortfolioObjectEnabler object,
            ExecutorService ownedAuthExecutor) {
        this.endpoint = endpoint;
        this.serverUri = serverUri;
        this.registrationEngines = registrationEngines;
        this.leshan = leshan;
        this.store = store;
        this.ownedAuthExecutor = ownedAuthExecutor;
        this.portfolios = new Portfolios(object);
        this.hostDevice = new HostDevice(portfolios, object);
    }

    public static Builder builder(String endpoint) {
        return new Builder(endpoint);
    }

    public String endpoint() {
        return endpoint;
    }

    /** Connects and registers; registration goes on in the background and retries as Leshan does. */
    public void start() {
        leshan.start();
    }

    /** Stops the client, deregistering first when asked. It can be started again. */
    public void stop(boolean deregister) {
        leshan.stop(deregister);
    }

    /** Deregisters, stops every thread the client owns and releases the store. */
    @Override
    public void close() {
        try {
            leshan.destroy(true);
        } catch (RuntimeException e) {
            // Leshan M18 can trip over a notification still in flight while it stops; the rest must still stop.
            LOG.warn("the Leshan client of {} did not stop cleanly: {}", endpoint, e.toString());
        } finally {
            if (ownedAuthExecutor != null) {
                ownedAuthExecutor.shutdownNow();
            }
            store.close();
        }
    }

    /**
     * The form the client registers with now: the configured one, or {@link RegistrationForm#CONSERVATIVE} once the
     * server refused that.
     */
    public RegistrationForm registrationForm() {
        return registrationEngines.formFor(serverUri);
    }

    public HostDevice hostDevice() {
        return hostDevice;
    }

    public Portfolios portfolios() {
        return portfolios;
    }

    /** The underlying Leshan client, for what this API does not cover. */
    public LeshanClient leshanClient() {
        return leshan;
    }

    /** Configures and builds a {@link PortfolioClient}; {@link #build()} checks the whole configuration. */
    public static final class Builder {

        private final String endpoint;
        private String serverUri;
        private ClientSecurity security = ClientSecurity.none();
        private Path dataDirectory;
        private KeySource keySource;
        private char[] keyStorePassword;
        private byte[] fleetMasterKey;
        private PortfolioLimits limits = PortfolioLimits.DEFAULTS;
        private AuthService defaultService = AuthService.SIGN;
        private ModuleInfo module = new ModuleInfo("lwm2m-portfolio", "Java client", "0", "0.1.0");
        private long lifetimeSeconds = 300;
        private RegistrationForm registrationForm = RegistrationForm.DEFAULT;
        private RegistrationBackOff registrationBackOff = RegistrationBackOff.DEFAULT;
        private Consumer<String> registrationNotices = notice -> {
        };
        private InetAddress localAddress;
        private ExecutorService authExecutor;
        private ClientFleet fleet;
        private Runnable rebootHandler = () -> LOG.info("reboot requested by the server; left to the host");
        private final Map<HostIdentity, String> hostIdentities = new EnumMap<>(HostIdentity.class);
        private boolean identityOnly;
        private boolean inMemoryStore;

        private Builder(String endpoint) {
            this.endpoint = endpoint;
        }

        /** The LwM2M server, e.g. coap://host:5683 or coaps://host:5684. */
        public Builder serverUri(String uri) {
            this.serverUri = uri;
            return this;
        }

        public Builder security(ClientSecurity security) {
            this.security = Objects.requireNonNull(security, "security");
            return this;
        }

        /**
         * Keeps the Portfolio instances in memory only (see {@link PortfolioStore#inMemory()}): for simulated
         * fleets, where thousands of store files and their locks would cost file handles and disk writes. Give a
         * {@link #keySource} too.
         */
        public Builder inMemoryStore() {
            this.inMemoryStore = true;
            return this;
        }

        /** Where the store and the default keystore live; default ./portfolio-data/ENDPOINT. */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = directory;
            return this;
        }

        /** Where the AuthData keys come from; default a PKCS#12 file in the data directory. */
        public Builder keySource(KeySource keySource) {
            this.keySource = keySource;
            return this;
        }

        /** The password of keys.p12; by default one generated for it, kept in keys.password beside it (0600). */
        public Builder keyStorePassword(char[] password) {
            this.keyStorePassword = password.clone();
            return this;
        }

        /** A fleet master key the server also holds: MAC and encryption keys are derived from it (HKDF). */
        public Builder fleetMasterKey(byte[] masterKey) {
            this.fleetMasterKey = masterKey.clone();
            return this;
        }

        public Builder limits(PortfolioLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The service used when GetAuthData names none. */
        public Builder defaultService(AuthService service) {
            this.defaultService = Objects.requireNonNull(service, "service");
            return this;
        }

        /** The module's own identity in /3/0 (not the host's). */
        public Builder module(ModuleInfo module) {
            this.module = Objects.requireNonNull(module, "module");
            return this;
        }

        public Builder lifetime(long seconds) {
            this.lifetimeSeconds = seconds;
            return this;
        }

        /**
         * How the client registers: LwM2M 1.0 or 1.1, and which content formats the root link advertises (default
         * {@link RegistrationForm#DEFAULT}, Leshan's). Whatever it says, the client still reads and writes every
         * format. A server that refuses the form with 4.00 or 4.12 gets one more Register at once in
         * {@link RegistrationForm#CONSERVATIVE}, the form the client then keeps for that server.
         */
        public Builder registrationForm(RegistrationForm form) {
            this.registrationForm = Objects.requireNonNull(form, "form");
            return this;
        }

        /**
         * How long to wait after a failed or refused registration before the next; default
         * {@link RegistrationBackOff#DEFAULT}, 10 s doubling up to 10 minutes.
         */
        public Builder registrationBackOff(RegistrationBackOff backOff) {
            this.registrationBackOff = Objects.requireNonNull(backOff, "backOff");
            return this;
        }

        /**
         * Told in one line when the client changes its registration form because a server refused it, and when a
         * registration fails: what happened, what to check and when the next attempt is; a failed DTLS handshake at
         * once (those lines are logged at WARN in any case).
         */
        public Builder registrationNotices(Consumer<String> notices) {
            this.registrationNotices = Objects.requireNonNull(notices, "notices");
            return this;
        }

        /** The local address to bind (default: any). */
        public Builder localAddress(InetAddress address) {
            this.localAddress = address;
            return this;
        }

        /** Runs GetAuthData work; default one thread per client. Share one across many clients. */
        public Builder authExecutor(ExecutorService executor) {
            this.authExecutor = executor;
            return this;
        }

        /**
         * Shares the fleet's transport, executors, configuration and codecs with its other clients, for many clients
         * in one JVM (simulators, gateways). GetAuthData runs on the fleet's workers unless {@link #authExecutor}
         * says otherwise.
         */
        public Builder fleet(ClientFleet fleet) {
            this.fleet = fleet;
            return this;
        }

        public Builder rebootHandler(Runnable handler) {
            this.rebootHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Offers Identity only, without GetAuthData, AuthData and AuthStatus, as most deployed devices do
         * (for simulations and interoperability tests).
         */
        public Builder identityOnly() {
            this.identityOnly = true;
            return this;
        }

        /** A host identity to set at start (kept as it is when it did not change). */
        public Builder hostIdentity(HostIdentity identity, String value) {
            if (value != null) {
                hostIdentities.put(identity, value);
            }
            return this;
        }

        public PortfolioClient build() {
            if (endpoint == null || endpoint.isBlank()) {
                throw new IllegalArgumentException("an endpoint name is required");
            }
            if (serverUri == null || !(serverUri.startsWith("coap://") || serverUri.startsWith("coaps://"))) {
                throw new IllegalArgumentException("a server URI coap://HOST:PORT or coaps://HOST:PORT is required, got "
                        + serverUri);
            }
            boolean secure = serverUri.startsWith("coaps://");
            if (secure == (security instanceof ClientSecurity.NoSec)) {
                throw new IllegalArgumentException(secure ? "coaps:// needs PSK, RPK or X.509 security"
                        : "security other than none needs a coaps:// server URI");
            }
            Path directory = dataDirectory != null ? dataDirectory : Path.of("portfolio-data", endpoint);
            if (inMemoryStore && keySource == null && !identityOnly) {
                throw new IllegalArgumentException("an in-memory store needs a key source: keys would go to "
                        + directory);
            }
            PortfolioStore store;
            try {
                store = inMemoryStore ? PortfolioStore.inMemory() : PortfolioStore.open(directory);
            } catch (StoreException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            try {
                return assemble(store, directory);
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
        }

        private PortfolioClient assemble(PortfolioStore store, Path directory) {
            KeySource keys = identityOnly ? null : keySource != null ? keySource : openDefaultKeys(directory);
            ExecutorService sharedAuth = authExecutor != null ? authExecutor : fleet != null ? fleet.authExecutor() : null;
            ExecutorService ownedExecutor = sharedAuth == null && !identityOnly ? newAuthExecutor(endpoint) : null;
            ExecutorService executor = sharedAuth != null ? sharedAuth : ownedExecutor;

            List<PortfolioInstance> initial = new ArrayList<>();
            for (StoredInstance stored : store.state().instances()) {
                initial.add(new PortfolioInstance(stored.id(), stored.owner(), stored.locked(), stored.identities(),
                        AuthStatus.IDLE, new TreeMap<>(), 0));
            }
            AuthSettings auth = identityOnly ? null
                    : new AuthSettings(new CoseAuthDataProducer(endpoint, keys, store), executor, defaultService,
                            keys::defaultKeyId);
            PortfolioObjectEnabler portfolio = new PortfolioObjectEnabler(initial, limits,
                    instances -> store.saveInstances(instances.stream().map(i -> new StoredInstance(i.id(), i.owner(),
                            i.locked(), i.identities())).toList()),
                    auth);
            DeviceEnabler device = new DeviceEnabler(module, portfolio, rebootHandler);

            ObjectsInitializer initializer = new ObjectsInitializer(CLIENT_MODEL);
            int shortServerId = 123;
            initializer.setInstancesForObject(LwM2mId.SECURITY, security.toSecurityObject(serverUri, shortServerId));
            initializer.setInstancesForObject(LwM2mId.SERVER, new Server(shortServerId, lifetimeSeconds));
            initializer.setInstancesForObject(LwM2mId.DEVICE, device);
            // Leshan wants a factory for every object; the Device is single and never created by a server.
            initializer.setFactoryForObject(LwM2mId.DEVICE, (model, id, used) -> device);
            List<LwM2mObjectEnabler> objects = new ArrayList<>(initializer.create(LwM2mId.SECURITY, LwM2mId.SERVER,
                    LwM2mId.DEVICE));
            objects.add(portfolio);

            RegistrationFormEngineFactory registrationEngines = new RegistrationFormEngineFactory(registrationForm,
                    registrationBackOff, registrationNotices);
            String advice = handshakeAdvice(security);
            ClientProtocols.HandshakeFailures handshakeFailures = (peer, cause, unanswered) -> registrationEngines
                    .handshakeFailed(peer, cause, unanswered ? null : advice);
            LeshanClientBuilder builder = new LeshanClientBuilder(endpoint);
            builder.setObjects(objects);
            CaliforniumClientEndpointsProvider endpoints = fleet != null
                    ? fleet.endpointsProvider(localAddress, handshakeFailures)
                    : endpointsProvider(handshakeFailures);
            builder.setEndpointsProviders(endpoints);
            if (fleet != null) {
                fleet.share(builder);
            } else {
                builder.setEncoder(ClientCodecs.ENCODER).setDecoder(ClientCodecs.DECODER);
            }
            builder.setRegistrationEngineFactory(registrationEngines)
                    .setLinkFormatHelper(RegistrationFormEngineFactory.linkFormat(registrationForm));
            // Counted before Leshan's own listener exists, so that a change is always counted before Leshan tries
            // (and, mid-registration, fails) to send its update.
            AtomicLong instanceChanges = countInstanceChanges(portfolio);
            LeshanClient leshan = builder.build();
            if (fleet != null) {
                fleet.attach(endpoints);
            }
            resendDroppedUpdates(leshan, registrationEngines, instanceChanges);

            PortfolioClient client = new PortfolioClient(endpoint, serverUri, registrationEngines, leshan, store,
                    portfolio, ownedExecutor);
            if (!hostIdentities.isEmpty()) {
                client.hostDevice().setAll(hostIdentities);
            }
            return client;
        }

        private static AtomicLong countInstanceChanges(PortfolioObjectEnabler portfolio) {
            AtomicLong instanceChanges = new AtomicLong();
            portfolio.addListener(new ObjectsListenerAdapter() {
                @Override
                public void objectInstancesAdded(LwM2mObjectEnabler object, int... instanceIds) {
                    instanceChanges.incrementAndGet();
                }

                @Override
                public void objectInstancesRemoved(LwM2mObjectEnabler object, int... instanceIds) {
                    instanceChanges.incrementAndGet();
                }
            });
            return instanceChanges;
        }

        /**
         * Leshan drops the registration update that an instance change asks for while the registration is
         * still under way (a server may create an instance as soon as it sees the client). Send it once the
         * registration succeeded, with the object links, so the server's are never stale.
         */
        private static void resendDroppedUpdates(LeshanClient leshan, RegistrationFormEngineFactory engines,
                AtomicLong instanceChanges) {
            leshan.addObserver(new LwM2mClientObserverAdapter() {
                private volatile long atStart;

                @Override
                public void onRegistrationStarted(LwM2mServer server, RegisterRequest request) {
                    atStart = instanceChanges.get();
                }

                @Override
                public void onRegistrationSuccess(LwM2mServer server, RegisterRequest request, String id) {
                    if (instanceChanges.get() != atStart) {
                        engines.sendObjectLinksUpdate();
                    }
                }
            });
        }

        /** What to check when a DTLS handshake with the server fails, for this kind of security. */
        private static String handshakeAdvice(ClientSecurity security) {
            if (security instanceof ClientSecurity.Psk) {
                return "check the PSK identity and key, and that the server holds this device's PSK credential";
            }
            if (security instanceof ClientSecurity.Rpk) {
                return "check that the server holds this device's public key and that the pinned server key is the "
                        + "server's";
            }
            return "check that the device certificate comes from a CA the server trusts and names the endpoint, and "
                    + "that the server certificate is the server's";
        }

        private CaliforniumClientEndpointsProvider endpointsProvider(ClientProtocols.HandshakeFailures failures) {
            CaliforniumClientEndpointsProvider.Builder providerBuilder = new CaliforniumClientEndpointsProvider.Builder(
                    new CoapClientProtocolProvider(), ClientProtocols.coaps(null, failures));
            if (localAddress != null) {
                providerBuilder.setClientAddress(localAddress);
            }
            return providerBuilder.build();
        }

        private KeySource openDefaultKeys(Path directory) {
            try {
                Path store = directory.resolve(KEY_STORE);
                char[] password = keyStorePassword != null ? keyStorePassword
                        : KeyStorePasswords.forStore(store, directory.resolve(KEY_STORE_PASSWORD));
                return Pkcs12KeySource.openOrCreate(store, password, endpoint, fleetMasterKey);
            } catch (Exception e) {
                throw new IllegalStateException("cannot open the keystore " + directory.resolve(KEY_STORE) + ": "
                        + e.getMessage(), e);
            }
        }

        private static ExecutorService newAuthExecutor(String endpoint) {
            // Bounded: a server that floods GetAuthData gets "too busy", the client keeps its memory.
            ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(64), runnable -> {
                        Thread thread = new Thread(runnable, "portfolio-auth-" + endpoint);
                        thread.setDaemon(true);
                        return thread;
                    });
            executor.allowCoreThreadTimeOut(true);
            return executor;
        }
    }
}
