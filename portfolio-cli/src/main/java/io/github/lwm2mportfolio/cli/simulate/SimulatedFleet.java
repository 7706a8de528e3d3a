package io.github.lwm2mportfolio.cli.simulate;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.object.Device;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.client.resource.listener.ObjectsListenerAdapter;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.request.DeregisterRequest;
import org.eclipse.leshan.core.request.RegisterRequest;

import io.github.lwm2mportfolio.client.ClientFleet;
import io.github.lwm2mportfolio.client.ClientSecurity;
import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.client.object.PortfolioInstance;
import io.github.lwm2mportfolio.client.registration.RegistrationForm;
import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.core.model.AuthStatus;
import io.github.lwm2mportfolio.core.model.HostIdentity;
import io.github.lwm2mportfolio.core.model.PortfolioObject;

/**
 * N simulated devices in one JVM on one {@link ClientFleet}: Portfolio clients with seeded host identities and keys,
 * or bare Leshan clients (Security, Server, Device) for a baseline. Devices are built first, then started at the
 * offered rate, so that building never slows the ramp.
 */
final class SimulatedFleet implements AutoCloseable {

    /**
     * How the fleet is made. {@code serverUris}: the server nodes the devices are spread over, usually one;
     * {@code rate} is registrations per second, 0 for all at once; {@code dataDirectory} null keeps the clients'
     * stores in memory.
     */
    record Settings(int clients, List<String> serverUris, long seed, double rate, boolean bare, boolean psk,
            Path dataDirectory, InetAddress localAddress, long lifetimeSeconds, int threads, String endpointPrefix,
            AuthService defaultService, RegistrationForm registrationForm) {

        /** A warm-up fleet beside this one: its own size, endpoints and store directory, all started at once. */
        Settings {
            serverUris = List.copyOf(serverUris);
        }

        /** With several servers, each device talks to one, as a load balancer hashing its source would choose. */
        String serverUri(String endpoint) {
            return SourceHashBalancer.serverOf(endpoint, serverUris);
        }

        Settings warmUp(int count, String prefix) {
            return new Settings(count, serverUris, seed, 0, bare, psk,
                    dataDirectory == null ? null : dataDirectory.resolve("warm-up"), localAddress, lifetimeSeconds,
                    threads, prefix, defaultService, registrationForm);
        }
    }

    /** One simulated device: its Leshan client and how to close it. */
    private record SimulatedDevice(String endpoint, LeshanClient leshan, AutoCloseable closer) {
    }

    /** Leshan's own models, loaded once: loading them per client costs tens of milliseconds and 50 KB. */
    private static final StaticModel LESHAN_MODELS = new StaticModel(ObjectLoader.loadDefault());

    private final Settings settings;
    private final ClientFleet shared;
    private final SimulatorAuthority authority;
    private final FleetProgress progress;
    private final List<SimulatedDevice> devices = Collections.synchronizedList(new ArrayList<>());

    private SimulatedFleet(Settings settings, ClientFleet shared, FleetProgress progress) {
        this.settings = settings;
        this.shared = shared;
        this.authority = SimulatorAuthority.fromSeed(settings.seed());
        this.progress = progress;
    }

    /** Builds every device (in parallel, one builder per core); nothing is started yet. */
    static SimulatedFleet build(Settings settings, FleetProgress progress) throws Exception {
        SimulatedFleet fleet = new SimulatedFleet(settings, new ClientFleet("sim", settings.threads()), progress);
        try {
            fleet.buildDevices();
        } catch (Exception | Error e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    static String endpoint(String prefix, int index) {
        return String.format("%s%06d", prefix, index);
    }

    private void buildDevices() throws Exception {
        int builders = Math.max(1, Runtime.getRuntime().availableProcessors());
        ExecutorService pool = Executors.newFixedThreadPool(builders);
        try {
            List<Future<SimulatedDevice>> built = new ArrayList<>();
            for (int i = 0; i < settings.clients(); i++) {
                int index = i;
                built.add(pool.submit(() -> settings.bare() ? bareDevice(index) : portfolioDevice(index)));
            }
            for (Future<SimulatedDevice> device : built) {
                devices.add(device.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private SimulatedDevice portfolioDevice(int index) throws Exception {
        String endpoint = endpoint(settings.endpointPrefix(), index);
        PortfolioClient.Builder builder = PortfolioClient.builder(endpoint).serverUri(settings.serverUri(endpoint))
                .fleet(shared)
                .localAddress(settings.localAddress()).lifetime(settings.lifetimeSeconds())
                .keySource(authority.deviceKeys(endpoint)).defaultService(settings.defaultService())
                .registrationForm(settings.registrationForm());
        if (settings.dataDirectory() == null) {
            builder.inMemoryStore();
        } else {
            builder.dataDirectory(settings.dataDirectory().resolve(endpoint));
        }
        if (settings.psk()) {
            builder.security(ClientSecurity.psk(endpoint, authority.pskKey(endpoint)));
        }
        SimulatedHosts.host(settings.seed(), index).forEach(builder::hostIdentity);
        PortfolioClient client = builder.build();
        followAuthStatus(client);
        followRegistration(endpoint, client.leshanClient());
        followFallBack(client);
        return new SimulatedDevice(endpoint, client.leshanClient(), client);
    }

    private SimulatedDevice bareDevice(int index) {
        String endpoint = endpoint(settings.endpointPrefix(), index);
        ObjectsInitializer objects = new ObjectsInitializer(LESHAN_MODELS);
        int shortServerId = 123;
        ClientSecurity security = settings.psk() ? ClientSecurity.psk(endpoint, authority.pskKey(endpoint))
                : ClientSecurity.none();
        objects.setInstancesForObject(LwM2mId.SECURITY, security.toSecurityObject(settings.serverUri(endpoint), shortServerId));
        objects.setInstancesForObject(LwM2mId.SERVER, new Server(shortServerId, settings.lifetimeSeconds()));
        objects.setInstancesForObject(LwM2mId.DEVICE, new Device("lwm2m-portfolio simulator", "bare Leshan",
                endpoint));
        LeshanClient leshan = shared.leshanClient(endpoint, objects.createAll(), settings.localAddress(),
                settings.registrationForm());
        followRegistration(endpoint, leshan);
        return new SimulatedDevice(endpoint, leshan, () -> leshan.destroy(true));
    }

    private void followRegistration(String endpoint, LeshanClient leshan) {
        leshan.addObserver(new LwM2mClientObserverAdapter() {
            @Override
            public void onRegistrationSuccess(LwM2mServer server, RegisterRequest request, String registrationId) {
                progress.registered(endpoint);
            }

            @Override
            public void onRegistrationFailure(LwM2mServer server, RegisterRequest request,
                    ResponseCode code, String errorMessage, Exception cause) {
                progress.registrationFailed(endpoint);
            }

            @Override
            public void onRegistrationTimeout(LwM2mServer server, RegisterRequest request) {
                progress.registrationFailed(endpoint);
            }

            @Override
            public void onDeregistrationSuccess(LwM2mServer server, DeregisterRequest request) {
                progress.deregistered();
            }
        });
    }

    /** AuthStatus tells the client's side of a challenge: DATA_AVAIL once made, IDLE once the server read it. */
    /** Counts the devices a server refused in their configured form, which then registered in the fallback form. */
    private void followFallBack(PortfolioClient client) {
        client.leshanClient().addObserver(new LwM2mClientObserverAdapter() {
            @Override
            public void onRegistrationSuccess(LwM2mServer server, RegisterRequest request, String registrationId) {
                if (!client.registrationForm().equals(settings.registrationForm())) {
                    progress.fellBack(client.endpoint());
                }
            }
        });
    }

    private void followAuthStatus(PortfolioClient client) {
        String endpoint = client.endpoint();
        client.leshanClient().getObjectTree().addListener(new ObjectsListenerAdapter() {
            private final Set<Integer> awaitingRead = ConcurrentHashMap.newKeySet();

            @Override
            public void resourceChanged(LwM2mPath... paths) {
                for (LwM2mPath path : paths) {
                    if (path.isResource() && path.getObjectId() == PortfolioObject.OBJECT_ID
                            && path.getResourceId() == PortfolioObject.AUTH_STATUS) {
                        int instance = path.getObjectInstanceId();
                        AuthStatus status = client.portfolios().get(instance).map(PortfolioInstance::authStatus)
                                .orElse(AuthStatus.IDLE);
                        switch (status) {
                        case DATA_AVAIL -> {
                            progress.challenged(endpoint);
                            awaitingRead.add(instance);
                        }
                        case ERROR -> progress.authFailed(endpoint);
                        case IDLE -> {
                            if (awaitingRead.remove(instance)) {
                                progress.authDataRead(endpoint);
                            }
                        }
                        }
                    }
                }
            }
        });
    }

    /**
     * Starts the devices at the offered rate (all at once at rate 0); returns once the last was started, or as soon
     * as {@code stop} says so.
     */
    void startAll(BooleanSupplier stop) throws InterruptedException {
        long start = System.nanoTime();
        for (int i = 0; i < devices.size() && !stop.getAsBoolean(); i++) {
            if (settings.rate() > 0) {
                long due = start + (long) (i * 1e9 / settings.rate());
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            devices.get(i).leshan().start();
        }
    }

    /**
     * Every device stops without deregistering, then starts again: a new registration of an endpoint the server
     * still holds, as after an outage. All stop first, so that the new registrations come together.
     *
     * @return the devices restarted
     */
    int reregisterAll(BooleanSupplier stop) {
        List<SimulatedDevice> all;
        synchronized (devices) {
            all = List.copyOf(devices);
        }
        all.forEach(device -> device.leshan().stop(false));
        int started = 0;
        for (SimulatedDevice device : all) {
            if (stop.getAsBoolean()) {
                break;
            }
            device.leshan().start();
            started++;
        }
        return started;
    }

    int size() {
        return devices.size();
    }

    /** The DTLS pre-shared keys of the devices, by endpoint (identity = endpoint); empty over plain CoAP. */
    Map<String, byte[]> preSharedKeys() {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        if (settings.psk()) {
            synchronized (devices) {
                devices.forEach(device -> keys.put(device.endpoint(), authority.pskKey(device.endpoint())));
            }
        }
        return keys;
    }

    /** Deregisters and closes every device (in parallel: each deregistration waits for the server), then the rest. */
    @Override
    public void close() {
        ExecutorService closers = Executors.newFixedThreadPool(Math.max(4, settings.threads()));
        synchronized (devices) {
            for (SimulatedDevice device : devices) {
                closers.execute(() -> {
                    try {
                        device.closer().close();
                    } catch (Exception e) {
                        // PortfolioClient.close() already logs what did not stop cleanly; close the others
                    }
                });
            }
        }
        closers.shutdown();
        try {
            closers.awaitTermination(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shared.close();
    }
}
