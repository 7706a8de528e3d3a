package io.github.lwm2mportfolio.server.collector;

import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;

import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.WriteRequest;
import org.eclipse.leshan.core.request.WriteRequest.Mode;
import org.eclipse.leshan.core.request.exception.TimeoutException;
import org.eclipse.leshan.core.response.ObserveCompositeResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.core.response.WriteResponse;
import org.eclipse.leshan.core.LwM2m.LwM2mVersion;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.observation.ObservationListener;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationListener;
import org.eclipse.leshan.server.registration.RegistrationUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.core.auth.VerifierKeys;
import io.github.lwm2mportfolio.core.model.AuthStatus;
import io.github.lwm2mportfolio.core.model.PortfolioObject;
import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.inventory.CollectionBasis;
import io.github.lwm2mportfolio.server.inventory.CollectionRecord;
import io.github.lwm2mportfolio.server.inventory.Inventory;
import io.github.lwm2mportfolio.server.inventory.PortfolioSnapshot;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * Collects the host-device identities of every client that registers: on registration, on an update that
 * changes the object links, on a schedule and on demand. Reads /3/0/22 and each /16/n, observes the
 * Identity values, challenges the host instance with GetAuthData, and keeps it all in the inventory.
 * <p>
 * Work is bounded: a fixed pool of workers and one {@link CollectionQueue} entry per device at most, served in
 * order of priority: on-demand verifications (a bounded number; beyond it the REST API answers 503), established
 * devices, then strangers (taking turns by the address they registered from). A registration storm slows the
 * collection of strangers down, most of all those from its own address; it does not exhaust memory nor delay the
 * devices the inventory knows. One device's trouble never stops the others. Strangers that are gone
 * are purged from the inventory after {@link CollectorConfig#purgeStrangersAfter()}.
 */
public final class Collector implements DeviceOperations, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);
    /** What a refused verification tells the caller to wait. */
    private static final Duration RETRY_AFTER_WHEN_BUSY = Duration.ofSeconds(5);
    /** The most collections written in one transaction, and the most waiting to be written. */
    private static final int GROUP_COMMIT_BATCH = 64;
    private static final int GROUP_COMMIT_QUEUE = 256;
    /** How long {@link #close()} waits for the workers to end. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final LeshanServer server;
    private final Inventory inventory;
    private final ServerEvents events;
    private final CollectorConfig config;
    private final Clock clock;
    private final DeviceRequests requests;
    private final PortfolioReader reader;
    private final AuthChallenge challenge;
    private final AuthStatusWaiters waiters = new AuthStatusWaiters();
    private final CompositeObservations compositeObservations = new CompositeObservations();
    private final ReportedIdentities reportedIdentities = new ReportedIdentities();
    /** Endpoints whose waiting collection was asked for by their registration alone: they may be fast-pathed. */
    private final Set<String> fastPathCandidates = ConcurrentHashMap.newKeySet();
    /** A collection's write and a deregistration's of one endpoint are made one after the other (see commit). */
    private final Object[] endpointLocks = IntStream.range(0, 64).mapToObj(i -> new Object()).toArray();
    private final List<Thread> workers;
    private final ScheduledExecutorService scheduler;
    private final CollectionQueue queue;
    private final CollectionWriter writer;
    /**
     * Runs what follows a stored collection (events, failures, retries), never on the writer's thread, which must
     * not wait for an endpoint's lock: a deregistration holds it while it waits for the writer. Once shut down, the
     * caller runs it.
     */
    private final ExecutorService afterWriteThread;
    private final Executor afterWrites;
    /** The last record queued of each endpoint, until stored: what a deregistration waits for. */
    private final Map<String, CompletableFuture<Boolean>> pendingWrites = new ConcurrentHashMap<>();
    private final CollectionLeases leases;
    private final AtomicInteger collected = new AtomicInteger();
    private final CollectorMetrics metrics;
    /** Set by {@link #close()}: what its interruptions cut short is not the devices' failure. */
    private volatile boolean closing;
    /** Set by {@link #drain(Duration)}: a failure is recorded but not tried again. */
    private volatile boolean draining;
    /** The collections under way, by endpoint: what {@link #drain(Duration)} records of those it cuts short. */
    private final Map<String, Progress> underWay = new ConcurrentHashMap<>();
    /** The collections {@link #close()} cut short, for {@link #drain(Duration)} to record. */
    private final Map<String, Progress> cutShort = new ConcurrentHashMap<>();
    /** Workers running a piece of work now; guarded by itself. */
    private final int[] busy = new int[1];

    public Collector(LeshanServer server, Inventory inventory, VerifierKeys keys, ServerEvents events,
            CollectorConfig config, Clock clock) {
        this(server, inventory, keys, events, config, clock, CollectorMetrics.none(), CollectionLeases.LOCAL);
    }

    /**
     * A collector that reports to {@code metrics}; one of several server nodes collects a device only while it
     * holds its lease in {@code leases}.
     */
    public Collector(LeshanServer server, Inventory inventory, VerifierKeys keys, ServerEvents events,
            CollectorConfig config, Clock clock, CollectorMetrics metrics, CollectionLeases leases) {
        this.leases = leases;
        this.server = server;
        this.metrics = metrics;
        this.inventory = inventory;
        this.events = events;
        this.config = config;
        this.clock = clock;
        this.requests = new DeviceRequests(server, config.requestTimeout(), metrics);
        this.reader = new PortfolioReader(requests, compositeObservations);
        this.challenge = new AuthChallenge(requests, waiters, keys, config.authTimeout(), clock);
        this.queue = new CollectionQueue(config.queueCapacity());
        this.writer = new CollectionWriter(inventory, GROUP_COMMIT_BATCH, GROUP_COMMIT_QUEUE);
        this.afterWriteThread = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "collection-after-write");
            thread.setDaemon(true);
            return thread;
        });
        this.afterWrites = runnable -> {
            try {
                afterWriteThread.execute(runnable);
            } catch (RejectedExecutionException e) {
                runnable.run(); // closed: what the stopping collector records follows here
            }
        };
        this.workers = IntStream.rangeClosed(1, config.workers()).mapToObj(n -> {
            Thread thread = new Thread(this::work, "collector-" + n);
            thread.setDaemon(true);
            return thread;
        }).toList();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "collector-scheduler");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Listens to the server and starts the periodic work. */
    public void start() {
        server.getRegistrationService().addListener(new Registrations());
        server.getObservationService().addListener(new Notifications());
        writer.start();
        workers.forEach(Thread::start);
        scheduler.scheduleWithFixedDelay(this::logProgress, 10, 10, TimeUnit.SECONDS);
        long purgeAfter = config.purgeStrangersAfter().toMillis();
        if (purgeAfter > 0) {
            long purgeEvery = Math.max(1000, Math.min(purgeAfter, TimeUnit.MINUTES.toMillis(10)));
            scheduler.scheduleWithFixedDelay(this::purgeStrangers, 0, purgeEvery, TimeUnit.MILLISECONDS);
        }
        long every = config.recollectEvery().toMillis();
        if (every > 0) {
            scheduler.scheduleWithFixedDelay(this::recollectAll, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Asks for a full collection of this device (deduplicated; it runs when a worker is free). */
    public void requestCollection(String endpoint) {
        fastPathCandidates.remove(endpoint);
        schedule(endpoint, 1);
    }

    /** Collections finished (successfully or not) since start, for progress displays. */
    public int collectedCount() {
        return collected.get();
    }

    /** Devices waiting or being collected. */
    public int pendingCount() {
        return queue.waiting() + queue.running();
    }

    /** What the collector holds now, and the most it ever held waiting. */
    public CollectorStats stats() {
        return new CollectorStats(queue.waiting(), queue.running(), queue.maxWaiting(), collected.get(),
                workers.size());
    }

    /**
     * Purges the strangers gone for longer than {@link CollectorConfig#purgeStrangersAfter()}; returns how many.
     */
    public int purgeStrangers() {
        try {
            int purged = inventory.purgeStrangers(clock.instant().minus(config.purgeStrangersAfter()));
            if (purged > 0) {
                LOG.info("purged {} devices that never became established and are gone for {}", purged,
                        config.purgeStrangersAfter());
            }
            return purged;
        } catch (RuntimeException e) {
            LOG.warn("could not purge strangers: {}", e.toString());
            return 0;
        }
    }

    private void logProgress() {
        CollectorStats stats = stats();
        if (stats.waiting() > 0 || stats.running() > 0) {
            LOG.info("collector: {} waiting, {} running, {} collected since start, at most {} waiting",
                    stats.waiting(), stats.running(), stats.collected(), stats.maxWaiting());
        }
    }

    // ---- DeviceOperations, for the REST API ----

    @Override
    public CompletableFuture<Verification> verifyNow(String endpoint) {
        Registration registration = server.getRegistrationService().getByEndpoint(endpoint);
        if (registration == null) {
            return CompletableFuture.failedFuture(new DeviceOfflineException(endpoint));
        }
        CompletableFuture<Verification> result = new CompletableFuture<>();
        boolean queued = queue.offerOnDemand(() -> {
            Progress progress = new Progress(clock.instant()); // no registration: a verify leaves it as it is
            underWay.put(endpoint, progress);
            try {
                // Under the device's lease, as a collection: never two challenges of one device at once.
                if (!leases.whileHeld(endpoint, () -> result.complete(verify(registration)))) {
                    result.completeExceptionally(new CollectionUnderwayException(endpoint, leases.holder(endpoint)));
                }
            } catch (CollectionException e) {
                if (closing) { // the server stops: its registrations end with it (503, as offline)
                    cutShort.put(registration.getEndpoint(), progress);
                    result.completeExceptionally(new DeviceOfflineException(registration.getEndpoint()));
                    return;
                }
                Verification failed = new Verification(clock.instant(), VerificationOutcome.UNREACHABLE,
                        e.getMessage(), null, null, null, null);
                inventory.verificationRecorded(endpoint, failed);
                verdict(endpoint, failed);
                result.complete(failed);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            } finally {
                underWay.remove(endpoint, progress);
            }
        });
        if (!queued) {
            return CompletableFuture.failedFuture(new CollectorBusyException(config.queueCapacity(),
                    RETRY_AFTER_WHEN_BUSY));
        }
        Duration limit = config.requestTimeout().multipliedBy(4).plus(config.authTimeout());
        return result.orTimeout(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<WriteOutcome> writeIdentity(String endpoint, int instanceId, int identityId,
            String value) {
        Registration registration = server.getRegistrationService().getByEndpoint(endpoint);
        if (registration == null) {
            return CompletableFuture.failedFuture(new DeviceOfflineException(endpoint));
        }
        // LwM2M 1.0 has no resource-instance write in plain text: TLV carries it; 1.1 peers take SenML-CBOR.
        ContentFormat format = registration.getLwM2mVersion().equals(LwM2mVersion.V1_0) ? ContentFormat.TLV
                : ContentFormat.SENML_CBOR;
        WriteRequest request = new WriteRequest(Mode.REPLACE, format,
                "/16/" + instanceId + "/0/" + identityId, LwM2mResourceInstance.newStringInstance(identityId, value));
        CompletableFuture<WriteOutcome> result = new CompletableFuture<>();
        CollectorMetrics.Request timing = metrics.request(request);
        server.send(registration, request, config.requestTimeout().toMillis(), (WriteResponse response) -> {
            timing.end(response.isSuccess() ? "success" : "error");
            result.complete(new WriteOutcome(response.getCode().getName(), response.isSuccess(),
                    response.getErrorMessage()));
            if (response.isSuccess()) {
                inventory.identityReported(endpoint, instanceId, identityId, value, clock.instant());
            }
        }, error -> {
            timing.end(error instanceof TimeoutException ? "timeout" : "failure");
            result.completeExceptionally(error);
        });
        return result;
    }

    @Override
    public boolean forget(String endpoint) {
        queue.remove(endpoint);
        metrics.dropped(endpoint);
        Registration registration = server.getRegistrationService().getByEndpoint(endpoint);
        if (registration == null) {
            return false;
        }
        server.getObservationService().cancelObservations(registration);
        // Straight from the store: no "unregistered" event, which would write the device back into the inventory.
        server.getRegistrationStore().removeRegistration(registration.getId());
        awaitRunningCollection(endpoint);
        LOG.info("forgot the registration of {}: its next update is refused (4.04) and it registers again",
                endpoint);
        return true;
    }

    /** A collection of the device that already runs would write it back after its removal: let it end first. */
    private void awaitRunningCollection(String endpoint) {
        try {
            queue.awaitNotRunning(endpoint, config.requestTimeout().multipliedBy(4).plus(config.authTimeout()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the work ----

    private void schedule(String endpoint, int attempt) {
        boolean established;
        try {
            established = inventory.established(endpoint);
        } catch (RuntimeException e) {
            established = false; // the database is in trouble: collected all the same, as a stranger
            LOG.warn("{}: cannot tell whether it is established: {}", endpoint, e.toString());
        }
        metrics.queued(endpoint);
        queue.offer(endpoint, attempt, established, sourceAddress(endpoint));
    }

    /** The IP address this endpoint registered from (strangers take turns by it); null when not registered. */
    private String sourceAddress(String endpoint) {
        Registration registration = server.getRegistrationService().getByEndpoint(endpoint);
        if (registration == null || registration.getSocketAddress() == null
                || registration.getSocketAddress().getAddress() == null) {
            return null;
        }
        return registration.getSocketAddress().getAddress().getHostAddress();
    }

    /** A worker: takes work until the collector closes. */
    private void work() {
        while (!Thread.currentThread().isInterrupted()) {
            CollectionQueue.Work work;
            try {
                work = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            busy(1);
            metrics.taken(work.endpoint());
            try {
                if (work.task() != null) {
                    work.task().run();
                } else {
                    collect(work.endpoint(), work.attempt());
                }
            } catch (RuntimeException e) {
                LOG.error("collector work failed unexpectedly", e);
            } finally {
                busy(-1);
            }
        }
    }

    private void collect(String endpoint, int attempt) {
        boolean fastPathCandidate = fastPathCandidates.remove(endpoint);
        Progress progress = new Progress(clock.instant());
        CompletableFuture<Void> written = null;
        try {
            progress.registration = server.getRegistrationService().getByEndpoint(endpoint);
            if (progress.registration == null) {
                return; // deregistered while waiting
            }
            underWay.put(endpoint, progress);
            CompletableFuture<?>[] collection = new CompletableFuture<?>[1];
            boolean held = leases.whileHeld(endpoint, () -> { // not at all when another node collects it
                metrics.collectionStarted();
                collection[0] = collect(progress, fastPathCandidate);
                if (leases != CollectionLeases.LOCAL) {
                    // Another node may collect the device once the lease is released: not before this is stored.
                    awaitQuietly(collection[0]);
                }
            });
            if (held) {
                // The worker is free once the record is queued: the writer commits it with those that end together.
                written = collection[0].handle((ignored, error) -> error)
                        .thenComposeAsync(error -> afterWrite(endpoint, attempt, progress, error), afterWrites);
            } else if (!closing) {
                leases.retryAfter(endpoint).ifPresent(delay -> {
                    LOG.info("{}: another node holds its collection lease; tried again in {} ms", endpoint,
                            delay.toMillis());
                    scheduler.schedule(() -> schedule(endpoint, attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
                });
            }
        } catch (CollectionException e) {
            if (closing) {
                cutShort.put(endpoint, progress);
            } else {
                metrics.collectionFinished(CollectorMetrics.Finish.FAILED);
                written = handleFailure(endpoint, attempt, e, progress);
            }
        } catch (RuntimeException e) {
            if (closing) {
                cutShort.put(endpoint, progress);
            } else {
                written = failedUnexpectedly(endpoint, attempt, e, progress);
            }
        } finally {
            underWay.remove(endpoint, progress);
            if (written == null) {
                finished(endpoint);
            } else {
                // Until its record is stored the device counts as running: forget() and a new collection wait for it.
                written.whenCompleteAsync((ignored, error) -> finished(endpoint), afterWrites);
            }
        }
    }

    /** What follows a collection's write: a write that failed is a failed collection, recorded as any other. */
    private CompletableFuture<Void> afterWrite(String endpoint, int attempt, Progress progress, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause == null) {
            metrics.collectionFinished(CollectorMetrics.Finish.COLLECTED);
        } else if (!closing) {
            return failedUnexpectedly(endpoint, attempt, cause, progress);
        }
        return CompletableFuture.completedFuture(null);
    }

    private CompletableFuture<Void> failedUnexpectedly(String endpoint, int attempt, Throwable error,
            Progress progress) {
        metrics.collectionFinished(CollectorMetrics.Finish.ERROR);
        LOG.error("collection of {} failed unexpectedly", endpoint, error);
        return handleFailure(endpoint, attempt, new CollectionException("unexpected " + error, true), progress);
    }

    private void finished(String endpoint) {
        queue.done(endpoint);
        collected.incrementAndGet();
    }

    private static void awaitQuietly(CompletableFuture<?> future) {
        try {
            future.join();
        } catch (CompletionException | CancellationException e) {
            // handled with the future's outcome by the caller
        }
    }

    /** What a collection has done so far: what its failure records. */
    private static final class Progress {
        final Instant at;
        Registration registration;
        PortfolioReader.Result read;

        Progress(Instant at) {
            this.at = at;
        }
    }

    /** Collects the device and queues what it found to be written; the future completes once it is stored. */
    private CompletableFuture<Void> collect(Progress progress, boolean fastPathCandidate) throws CollectionException {
        Registration registration = progress.registration;
        String endpoint = registration.getEndpoint();
        String links = ObjectLinksDigest.of(registration);
        if (!PortfolioReader.hasPortfolioObject(registration)) {
            return commit(registration, new CollectionRecord(endpoint, progress.at, null, List.of(), false, links,
                    null, null))
                    .thenRunAsync(() -> events.publish("collected", endpoint, "no Portfolio object"), afterWrites);
        }
        Optional<CollectionBasis> basis = fastPathCandidate ? inventory.collectionBasis(endpoint) : Optional.empty();
        long lastCounter = fastPathCandidate ? basis.map(CollectionBasis::lastAcceptedCounter).orElse(-1L)
                : inventory.lastAcceptedCounter(endpoint);
        PortfolioReader.Result result = reader.read(registration);
        progress.read = result;
        remember(endpoint, result);
        for (PortfolioSnapshot instance : result.portfolios()) {
            if (instance.linkedFromDevice() && !result.observedInstances().contains(instance.instanceId())) {
                observeIdentities(registration, instance.instanceId());
            }
        }
        if (basis.isPresent() && unchangedSinceVerified(basis.get(), result, links)) {
            // Re-registered as it was verified: the values read and the observations restored are the collection.
            Verification kept = basis.get().lastVerification();
            return commit(registration, new CollectionRecord(endpoint, progress.at, null, null, false, links, null,
                    null)).thenRunAsync(() -> {
                        events.publish("collected", endpoint, "registered again unchanged; verdict of " + kept.at()
                                + " kept");
                        // Its verdict stands for this registration too (the bench and the console count a device
                        // done by it).
                        events.publish("verdict", endpoint, kept.outcome() + ": kept, registered again unchanged ("
                                + kept.reason() + ")");
                        LOG.info("{} registered again with the links and Identity values it was verified with: not "
                                + "challenged", endpoint);
                    }, afterWrites);
        }
        Optional<PortfolioSnapshot> host = hostInstance(result);
        Verification verification = null;
        if (host.isPresent()) {
            verification = challenge.run(registration, host.get(), config.service(), lastCounter,
                    result.observedInstances().contains(host.get().instanceId()));
        }
        Verification verdict = verification;
        return commit(registration, new CollectionRecord(endpoint, progress.at, null, result.portfolios(),
                result.extDevInfoPresent(), links, verification, null)).thenAcceptAsync(accepted -> {
                    int instances = result.portfolios().size();
                    events.publish("collected", endpoint, instances + (instances == 1 ? " Portfolio instance"
                            : " Portfolio instances")
                            + (result.remarks().isEmpty() ? "" : "; " + String.join("; ", result.remarks())));
                    if (!result.remarks().isEmpty()) {
                        LOG.info("{}: {}", endpoint, String.join("; ", result.remarks()));
                    }
                    if (verdict != null) {
                        announceVerdict(endpoint, verdict, accepted);
                    }
                }, afterWrites);
    }

    /**
     * Whether a re-registration may skip the challenge: the last verdict is VERIFIED with the service asked for and
     * younger than the collection interval, and the object links, /3/0/22 and every Identity value are as stored.
     */
    private boolean unchangedSinceVerified(CollectionBasis basis, PortfolioReader.Result result, String links) {
        Verification last = basis.lastVerification();
        Duration interval = config.recollectEvery();
        if (interval.isZero() || last == null || last.outcome() != VerificationOutcome.VERIFIED
                || !config.service().argument().equals(last.service())
                || !last.at().isAfter(clock.instant().minus(interval)) || !links.equals(basis.objectLinksDigest())) {
            return false;
        }
        boolean linksHost = result.extDevInfoPresent() && hostInstance(result).isPresent();
        return linksHost == basis.extDevInfoPresent() && byInstance(result.portfolios()).equals(
                byInstance(basis.portfolios()));
    }

    private static List<PortfolioSnapshot> byInstance(List<PortfolioSnapshot> portfolios) {
        return portfolios.stream().sorted(Comparator.comparingInt(PortfolioSnapshot::instanceId)).toList();
    }

    /**
     * Queues a collection to be written in one transaction; the future completes once it is committed: false when
     * its verdict was a replayed counter. With a registration, it is recorded as registered, online only if it is
     * still the endpoint's registration: checked and queued under the endpoint's lock, which a deregistration takes
     * to wait for the endpoint's queued records before its own write, so that a collection that ends after the
     * device left never shows it online.
     */
    private CompletableFuture<Boolean> commit(Registration registration, CollectionRecord record) {
        synchronized (lockFor(record.endpoint())) {
            CollectionRecord complete = record;
            if (registration != null) {
                boolean online = server.getRegistrationService().getById(registration.getId()) != null;
                complete = new CollectionRecord(record.endpoint(), record.at(), new CollectionRecord.Registered(
                        registration.getLwM2mVersion().toString(), PortfolioReader.hasPortfolioObject(registration),
                        online), record.portfolios(), record.extDevInfoPresent(), record.objectLinksDigest(),
                        record.verification(), record.failure());
            }
            CompletableFuture<Boolean> written = writer.submit(complete); // with the others that end together
            pendingWrites.put(record.endpoint(), written);
            written.whenComplete((accepted, error) -> pendingWrites.remove(record.endpoint(), written));
            return written;
        }
    }

    private Object lockFor(String endpoint) {
        return endpointLocks[Math.floorMod(endpoint.hashCode(), endpointLocks.length)];
    }

    /**
     * The Identity values of the instances observed with their AuthStatus, as read: their notifications (the one that says
     * DATA_AVAIL too, which comes before the collection is written) write only changes.
     */
    private void remember(String endpoint, PortfolioReader.Result result) {
        for (PortfolioSnapshot instance : result.portfolios()) {
            if (result.observedInstances().contains(instance.instanceId())) {
                reportedIdentities.put(endpoint, instance.instanceId(), instance.identities());
            }
        }
    }

    private Verification verify(Registration registration) throws CollectionException {
        String endpoint = registration.getEndpoint();
        Instant at = clock.instant();
        long lastCounter = inventory.lastAcceptedCounter(endpoint);
        PortfolioReader.Result result = reader.read(registration);
        remember(endpoint, result);
        Optional<PortfolioSnapshot> host = hostInstance(result);
        Verification verification = host.isPresent()
                ? challenge.run(registration, host.get(), config.service(), lastCounter,
                        result.observedInstances().contains(host.get().instanceId()))
                : new Verification(clock.instant(), VerificationOutcome.NOT_SUPPORTED,
                        "no Portfolio instance linked from /3/0/22", null, null, null, null);
        boolean accepted = CollectionWriter.await(commit(null, new CollectionRecord(endpoint, at, null,
                result.portfolios(), result.extDevInfoPresent(), null, verification, null)));
        return announceVerdict(endpoint, verification, accepted);
    }

    /** The host-device instance: the lowest-numbered one the Device links to. */
    private static Optional<PortfolioSnapshot> hostInstance(PortfolioReader.Result result) {
        return result.portfolios().stream().filter(PortfolioSnapshot::linkedFromDevice)
                .min(Comparator.comparingInt(PortfolioSnapshot::instanceId));
    }

    /** Publishes and logs a committed verdict; the one stored when it was not accepted (a replayed counter). */
    private Verification announceVerdict(String endpoint, Verification verification, boolean accepted) {
        if (!accepted) {
            verification = new Verification(verification.at(), VerificationOutcome.FAILED, "counter replayed",
                    verification.service(), verification.instanceId(), verification.counter(),
                    verification.claimsJson());
        }
        events.publish("verdict", endpoint, verification.outcome() + ": " + verification.reason());
        verdict(endpoint, verification);
        return verification;
    }

    private void verdict(String endpoint, Verification verification) {
        metrics.verdict(verification.outcome());
        LOG.info("verdict for {}: {} ({})", endpoint, verification.outcome(), verification.reason());
    }

    private void observeIdentities(Registration registration, int instanceId) {
        String path = "/16/" + instanceId + "/0";
        boolean observed = server.getObservationService().getObservations(registration).stream()
                .anyMatch(o -> o instanceof SingleObservation single && single.getPath().toString().equals(path));
        if (observed) {
            return;
        }
        try {
            ObserveResponse response = requests.send(registration, new ObserveRequest(path));
            if (!response.isSuccess()) {
                LOG.info("{}: cannot observe {} ({}); software updates are seen at the next collection",
                        registration.getEndpoint(), path, response.getCode());
            }
        } catch (CollectionException e) {
            LOG.info("{}: cannot observe {}: {}", registration.getEndpoint(), path, e.getMessage());
        }
    }

    /** Records the failure, then tells it and tries again where it may; the future completes after that. */
    private CompletableFuture<Void> handleFailure(String endpoint, int attempt, CollectionException failure,
            Progress progress) {
        return recordFailure(endpoint, progress, failure.getMessage())
                .thenRunAsync(() -> failureRecorded(endpoint, attempt, failure), afterWrites);
    }

    private void failureRecorded(String endpoint, int attempt, CollectionException failure) {
        events.publish("collection-failed", endpoint, failure.getMessage());
        boolean stillRegistered = server.getRegistrationService().getByEndpoint(endpoint) != null;
        if (failure.retryable() && stillRegistered && attempt < config.maxAttempts() && !draining) {
            long delay = config.firstBackoff().toMillis() << (attempt - 1);
            LOG.info("collection of {} failed ({}); try {} in {} ms", endpoint, failure.getMessage(), attempt + 1,
                    delay);
            scheduler.schedule(() -> schedule(endpoint, attempt + 1), delay, TimeUnit.MILLISECONDS);
        } else if (!stillRegistered) {
            // The device left while we asked it something: normal at the end of a session, not worth a warning.
            LOG.info("collection of {} stopped: the device deregistered ({})", endpoint, failure.getMessage());
        } else {
            LOG.warn("collection of {} failed: {}", endpoint, failure.getMessage());
        }
    }

    /**
     * Writes a failed collection with its registration and what it read, as a completed one would be; the future
     * completes once it is written or could not be (which is logged).
     */
    private CompletableFuture<Void> recordFailure(String endpoint, Progress progress, String reason) {
        PortfolioReader.Result read = progress.read;
        CollectionRecord failed = new CollectionRecord(endpoint, progress.at, null,
                read == null ? null : read.portfolios(), read != null && read.extDevInfoPresent(), null, null, null)
                .failed(reason);
        return commit(progress.registration, failed).handleAsync((accepted, error) -> {
            if (error != null) {
                LOG.warn("{}: could not record the failed collection: {}", endpoint, error.toString());
            }
            return null;
        }, afterWrites);
    }

    private void recollectAll() {
        server.getRegistrationService().getAllRegistrations()
                .forEachRemaining(registration -> requestCollection(registration.getEndpoint()));
    }

    private void busy(int change) {
        synchronized (busy) {
            busy[0] += change;
            busy.notifyAll();
        }
    }

    /** What {@link #drain(Duration)} did: the work that ran when it began, and how that ended. */
    public record Drain(int inFlight, int finished, int interrupted, int notStarted) {
    }

    /** The reason a collection cut short by a stopping server is recorded with. */
    public static final String STOPPING = "server stopping: collection interrupted";

    /**
     * For a server that stops: takes no new work (what waits is dropped), lets the work that runs finish within
     * {@code grace}, then stops the rest and records each device it cut short with the reason {@value #STOPPING}.
     * {@code begun} hears the counts when the wait begins. The collector is closed after it.
     */
    public Drain drain(Duration grace, BiConsumer<Integer, Integer> begun) {
        draining = true;
        int notStarted = queue.closeIntake();
        int inFlight;
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (busy) {
            inFlight = busy[0];
        }
        begun.accept(inFlight, notStarted);
        synchronized (busy) {
            try {
                for (long left = grace.toNanos(); busy[0] > 0 && left > 0; left = deadline - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(busy, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        close();
        Map<String, Progress> interrupted = new HashMap<>(cutShort);
        for (String endpoint : queue.runningEndpoints()) { // workers that did not end within the close's wait
            Progress running = underWay.get(endpoint);
            interrupted.putIfAbsent(endpoint, running != null ? running : new Progress(clock.instant()));
        }
        interrupted.forEach((endpoint, progress) -> recordFailure(endpoint, progress, STOPPING));
        return new Drain(inFlight, Math.max(0, inFlight - interrupted.size()), interrupted.size(), notStarted);
    }

    /**
     * Stops the work: the workers are interrupted, and waited for (a few seconds at most) so that what an interrupted
     * collection records reaches the inventory before the server closes it.
     */
    @Override
    public void close() {
        closing = true;
        scheduler.shutdownNow();
        workers.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (Thread worker : workers) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || worker == Thread.currentThread()) {
                continue;
            }
            try {
                worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        writer.close(); // what the workers queued is written; later records are written by their callers
        LOG.info("{} collections written in {} transactions", writer.records(), writer.transactions());
        afterWriteThread.shutdown();
        try {
            if (!afterWriteThread.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("what follows the last collections written did not end within {}", CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Registrations implements RegistrationListener {
        @Override
        public void registered(Registration registration, Registration previousReg,
                Collection<Observation> previousObservations) {
            events.publish("registered", registration.getEndpoint(), "LwM2M " + registration.getLwM2mVersion());
            LOG.info("registered {} from {} over {}, LwM2M {}, object 16: {}", registration.getEndpoint(),
                    registration.getSocketAddress(), transport(registration), registration.getLwM2mVersion(),
                    PortfolioReader.hasPortfolioObject(registration) ? "yes" : "no");
            String endpoint = registration.getEndpoint();
            reportedIdentities.forget(endpoint);
            if (mayFastPath(registration)) {
                fastPathCandidates.add(endpoint);
                schedule(endpoint, 1);
            } else {
                requestCollection(endpoint);
            }
        }

        @Override
        public void updated(RegistrationUpdate update, Registration updatedReg, Registration previousReg) {
            inventory.seen(updatedReg.getEndpoint(), clock.instant());
            Link[] links = update.getObjectLinks();
            if (links != null && !Arrays.equals(links, previousReg.getObjectLinks())) {
                events.publish("updated", updatedReg.getEndpoint(), "object links changed");
                requestCollection(updatedReg.getEndpoint());
            }
        }

        @Override
        public void unregistered(Registration registration, Collection<Observation> observations, boolean expired,
                Registration newReg) {
            compositeObservations.forget(registration);
            if (newReg == null) {
                reportedIdentities.forget(registration.getEndpoint());
                synchronized (lockFor(registration.getEndpoint())) {
                    awaitPendingWrite(registration.getEndpoint()); // a collection queued before it is stored first
                    inventory.deregistered(registration.getEndpoint(), clock.instant());
                }
                events.publish("deregistered", registration.getEndpoint(), expired ? "expired" : "deregistered");
                LOG.info("{} {} (was registered from {})", expired ? "registration expired:" : "deregistered",
                        registration.getEndpoint(), registration.getSocketAddress());
            }
        }
    }

    /** Waits until the endpoint's last queued collection is stored (or failed); the writer alone completes it. */
    private void awaitPendingWrite(String endpoint) {
        CompletableFuture<Boolean> pending = pendingWrites.get(endpoint);
        if (pending != null) {
            awaitQuietly(pending);
        }
    }

    /** Whether the setting lets this registration skip the challenge when nothing changed. */
    private boolean mayFastPath(Registration registration) {
        return switch (config.reregisterFastPath()) {
        case OFF -> false;
        case SECURE -> registration.getClientTransportData() instanceof IpPeer peer && peer.isSecure();
        case ON -> true;
        };
    }

    /** "coaps (PSK)", "coap": the scheme of the endpoint the device registered on, and its DTLS credential. */
    private static String transport(Registration registration) {
        String scheme = registration.getEndpointUri() == null ? "?" : registration.getEndpointUri().getScheme();
        if (registration.getClientTransportData() instanceof IpPeer peer && peer.isSecure()) {
            return scheme + (peer.isPSK() ? " (PSK)" : peer.isRPK() ? " (RPK)" : peer.isX509() ? " (X.509)" : "");
        }
        return scheme;
    }

    private final class Notifications implements ObservationListener {
        @Override
        public void newObservation(Observation observation, Registration registration) {
        }

        @Override
        public void cancelled(Observation observation) {
        }

        @Override
        public void onResponse(SingleObservation observation, Registration registration, ObserveResponse response) {
            LwM2mPath path = observation.getPath();
            if (path.getObjectId() != PortfolioObject.OBJECT_ID || !response.isSuccess()) {
                return;
            }
            String endpoint = registration.getEndpoint();
            try {
                if (path.isResource() && path.getResourceId() == PortfolioObject.AUTH_STATUS) {
                    authStatusNotified(endpoint, path.getObjectInstanceId(), response.getContent());
                } else if (path.isResource() && path.getResourceId() == PortfolioObject.IDENTITY) {
                    identitiesNotified(endpoint, path.getObjectInstanceId(), response.getContent());
                }
            } catch (RuntimeException e) {
                LOG.warn("{}: could not handle a notification of {}: {}", endpoint, path, e.toString());
            }
        }

        /** The Identity and AuthStatus of an instance, observed together (see {@link PortfolioReader}). */
        @Override
        public void onResponse(CompositeObservation observation, Registration registration,
                ObserveCompositeResponse response) {
            if (!response.isSuccess() || response.getContent() == null) {
                return;
            }
            String endpoint = registration.getEndpoint();
            response.getContent().forEach((path, node) -> {
                if (path.getObjectId() != PortfolioObject.OBJECT_ID || !path.isResource() || node == null) {
                    return;
                }
                try {
                    if (path.getResourceId() == PortfolioObject.AUTH_STATUS) {
                        authStatusNotified(endpoint, path.getObjectInstanceId(), node);
                    } else if (path.getResourceId() == PortfolioObject.IDENTITY) {
                        identitiesNotified(endpoint, path.getObjectInstanceId(), node);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("{}: could not handle a notification of {}: {}", endpoint, path, e.toString());
                }
            });
        }

        @Override
        public void onError(Observation observation, Registration registration, Exception error) {
            LOG.debug("observation error for {}: {}", registration.getEndpoint(), error.toString());
        }
    }

    private void authStatusNotified(String endpoint, int instanceId, LwM2mNode content) {
        if (content instanceof LwM2mSingleResource value && value.getValue() instanceof Long code && code >= 0
                && code <= 2) {
            waiters.notified(endpoint, instanceId, AuthStatus.fromCode(code));
        }
    }

    /**
     * An Identity resource notified: written in one transaction when it differs from what the device last
     * reported (an observation of Identity with AuthStatus also notifies AuthStatus changes, with the same values).
     */
    private void identitiesNotified(String endpoint, int instanceId, LwM2mNode content) {
        if (!(content instanceof LwM2mMultipleResource)) {
            return;
        }
        Map<Integer, String> reported = PortfolioReader.identitiesOf(content, "/16/" + instanceId + "/0",
                new ArrayList<>());
        if (!reportedIdentities.changes(endpoint, instanceId, reported)) {
            return;
        }
        boolean changed = inventory.identitiesReported(endpoint, instanceId, reported, clock.instant());
        reportedIdentities.put(endpoint, instanceId, reported);
        if (changed) {
            events.publish("identity", endpoint, "/16/" + instanceId + "/0 changed");
            // A change of a verified host is only a claim until a verdict confirms it: challenge the device now.
            requestCollection(endpoint);
        }
    }
}
