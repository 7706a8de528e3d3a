package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.collector.ReregisterFastPath;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.DeviceDetail;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * A verified device that registers again unchanged is not challenged again (issue 12); anything that changed, an
 * expired verdict, an operator's verification or a setting that does not allow it still runs the full challenge.
 * The challenges are counted on the client: the tasks its GetAuthData runs on.
 */
class ReregistrationFastPathTest {

    @TempDir
    Path dataDir;

    private final ShiftableClock clock = new ShiftableClock();
    private PortfolioServer server;
    private Fleet fleet;
    private final CountingExecutor authWork = new CountingExecutor();

    @AfterEach
    void stop() {
        fleet.close();
        server.close();
        authWork.shutdownNow();
    }

    private void startServer(ReregisterFastPath fastPath) throws Exception {
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(-1)
                .dataDirectory(dataDir.resolve("server")).fleetMasterKey(Fleet.MASTER_KEY).clock(clock)
                .collector(CollectorConfig.defaults().withReregisterFastPath(fastPath).withTimeouts(
                        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMillis(100)))
                .build();
        server.inventory().replaceCertifications(new CertificationList(
                List.of(new Certification("Northwind Metering", "NW-E350", "3.4.1")), Set.of()));
        server.start();
        fleet = new Fleet(server, dataDir.resolve("clients"));
    }

    private PortfolioClient startVerified(String endpoint) throws Exception {
        PortfolioClient client = fleet.start(fleet.client(endpoint, true).authExecutor(authWork),
                Fleet.HostSetup.certified("HD-" + endpoint));
        await().atMost(15, TimeUnit.SECONDS).until(() -> verifications(endpoint) == 1);
        assertThat(device(endpoint).summary().lastVerification().outcome()).isEqualTo(VerificationOutcome.VERIFIED);
        return client;
    }

    @Test
    void a_device_registering_again_unchanged_is_not_challenged_and_its_observations_are_restored()
            throws Exception {
        startServer(ReregisterFastPath.ON);
        String endpoint = Fleet.newEndpoint("meter");
        PortfolioClient client = startVerified(endpoint);
        DeviceDetail before = device(endpoint);
        int challenges = authWork.submitted();
        long counter = server.inventory().lastAcceptedCounter(endpoint);

        reregister(endpoint, client, before.summary().registeredAt());

        DeviceDetail after = device(endpoint);
        assertThat(authWork.submitted()).as("GetAuthData work on the client").isEqualTo(challenges);
        assertThat(after.verifications()).hasSize(1);
        assertThat(server.inventory().lastAcceptedCounter(endpoint)).isEqualTo(counter);
        assertThat(after.summary().lastVerification()).isEqualTo(before.summary().lastVerification());
        assertThat(after.summary().online()).isTrue();
        assertThat(after.summary().state()).isEqualTo(ComplianceState.COMPLIANT);
        assertThat(after.collectionError()).isNull();

        // The Identity observation is back: a software update is heard of and challenged.
        client.hostDevice().setSoftwareVersion("3.4.2");
        await().atMost(15, TimeUnit.SECONDS).until(() -> verifications(endpoint) == 2);
        assertThat(device(endpoint).summary().host().softwareVersion()).isEqualTo("3.4.2");
        assertThat(server.inventory().lastAcceptedCounter(endpoint)).isGreaterThan(counter);
    }

    @Test
    void an_identity_value_changed_while_away_runs_the_full_challenge() throws Exception {
        startServer(ReregisterFastPath.ON);
        String endpoint = Fleet.newEndpoint("meter");
        PortfolioClient client = startVerified(endpoint);
        Instant registeredAt = device(endpoint).summary().registeredAt();
        client.stop(true);
        awaitOffline(endpoint);

        client.hostDevice().setSoftwareVersion("3.5.0");
        client.start();

        await().atMost(15, TimeUnit.SECONDS).until(() -> verifications(endpoint) == 2);
        DeviceDetail after = device(endpoint);
        assertThat(after.summary().registeredAt()).isAfter(registeredAt);
        assertThat(after.summary().lastVerification().outcome()).isEqualTo(VerificationOutcome.VERIFIED);
        assertThat(after.summary().host().softwareVersion()).isEqualTo("3.5.0");
    }

    @Test
    void a_changed_object_link_runs_the_full_challenge() throws Exception {
        startServer(ReregisterFastPath.ON);
        String endpoint = Fleet.newEndpoint("meter");
        PortfolioClient client = startVerified(endpoint);
        client.stop(true);
        awaitOffline(endpoint);

        client.portfolios().create("3/0", Map.of(0, "battery pack BP-2"), false);
        client.start();

        await().atMost(15, TimeUnit.SECONDS).until(() -> verifications(endpoint) == 2);
        assertThat(device(endpoint).portfolios()).hasSize(2);
    }

    @Test
    void a_verdict_older_than_the_collection_interval_runs_the_full_challenge() throws Exception {
        startServer(ReregisterFastPath.ON);
        String endpoint = Fleet.newEndpoint("meter");
        PortfolioClient client = startVerified(endpoint);
        int challenges = authWork.submitted();
        client.stop(true);
        awaitOffline(endpoint);

        clock.shift(CollectorConfig.defaults().recollectEvery().plusMinutes(1));
        client.start();

        await().atMost(15, TimeUnit.SECONDS).until(() -> verifications(endpoint) == 2);
        assertThat(authWork.submitted()).isGreaterThan(challenges);
        assertThat(device(endpoint).summary().lastVerification().outcome()).isEqualTo(VerificationOutcome.VERIFIED);
    }

    @Test
    void an_operators_verification_after_a_fast_path_runs_the_full_challenge() throws Exception {
        startServer(ReregisterFastPath.ON);
        String endpoint = Fleet.newEndpoint("meter");
        PortfolioClient client = startVerified(endpoint);
        reregister(endpoint, client, device(endpoint).summary().registeredAt());
        long counter = server.inventory().lastAcceptedCounter(endpoint);

        Verification verdict = server.collector().verifyNow(endpoint).get(20, TimeUnit.SECONDS);

        assertThat(verdict.outcome()).as(verdict.reason()).isEqualTo(VerificationOutcome.VERIFIED);
        assertThat(server.inventory().lastAcceptedCounter(endpoint)).isGreaterThan(counter);
        assertThat(device(endpoint).verifications()).hasSize(2);
    }

    @Test
    void by_default_a_plain_coap_device_is_challenged_at_every_registration() throws Exception {
        startServer(CollectorConfig.defaults().reregisterFastPath());
        String endpoint = Fleet.newEndpoint("meter");
        PortfolioClient client = startVerified(endpoint);
        client.stop(true);
        awaitOffline(endpoint);

        client.start();

        await().atMost(15, TimeUnit.SECONDS).until(() -> verifications(endpoint) == 2);
        assertThat(device(endpoint).summary().lastVerification().outcome()).isEqualTo(VerificationOutcome.VERIFIED);
    }

    @Test
    void by_default_a_dtls_device_registering_again_unchanged_is_not_challenged() throws Exception {
        startServer(CollectorConfig.defaults().reregisterFastPath());
        String endpoint = Fleet.newEndpoint("psk");
        PortfolioClient client = fleet.start(fleet.pskClient(endpoint).authExecutor(authWork),
                Fleet.HostSetup.certified("HD-" + endpoint));
        await().atMost(15, TimeUnit.SECONDS).until(() -> verifications(endpoint) == 1);
        int challenges = authWork.submitted();

        reregister(endpoint, client, device(endpoint).summary().registeredAt());

        assertThat(authWork.submitted()).isEqualTo(challenges);
        assertThat(device(endpoint).verifications()).hasSize(1);
        assertThat(device(endpoint).summary().lastVerification().outcome()).isEqualTo(VerificationOutcome.VERIFIED);
    }

    @Test
    void the_setting_off_challenges_every_registration() throws Exception {
        startServer(ReregisterFastPath.OFF);
        String endpoint = Fleet.newEndpoint("psk");
        PortfolioClient client = fleet.start(fleet.pskClient(endpoint), Fleet.HostSetup.certified("HD-" + endpoint));
        await().atMost(15, TimeUnit.SECONDS).until(() -> verifications(endpoint) == 1);
        client.stop(true);
        awaitOffline(endpoint);

        client.start();

        await().atMost(15, TimeUnit.SECONDS).until(() -> verifications(endpoint) == 2);
    }

    /** Deregisters and registers again; returns once the new registration's collection is written. */
    private void reregister(String endpoint, PortfolioClient client, Instant registeredBefore) {
        client.stop(true);
        awaitOffline(endpoint);
        clock.shift(Duration.ofSeconds(1)); // a registration time that tells the two apart
        AtomicReference<String> collected = new AtomicReference<>();
        try (AutoCloseable events = server.events().subscribe(event -> {
            if (event.type().equals("collected") && event.endpoint().equals(endpoint)) {
                collected.set(event.detail());
            }
        })) {
            client.start();
            await().atMost(15, TimeUnit.SECONDS).until(() -> collected.get() != null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(collected.get()).contains("registered again unchanged");
        DeviceDetail after = device(endpoint);
        assertThat(after.summary().registeredAt()).as("the registration is recorded").isAfter(registeredBefore);
        assertThat(after.summary().online()).isTrue();
    }

    private void awaitOffline(String endpoint) {
        await().atMost(10, TimeUnit.SECONDS).until(() -> !device(endpoint).summary().online());
    }

    private DeviceDetail device(String endpoint) {
        return server.inventory().device(endpoint).orElseThrow();
    }

    private int verifications(String endpoint) {
        return server.inventory().device(endpoint).map(d -> d.verifications().size()).orElse(0);
    }

    /** The system clock moved forward by what the test says. */
    private static final class ShiftableClock extends Clock {
        private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

        void shift(Duration by) {
            offset.updateAndGet(current -> current.plus(by));
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset.get());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** Runs the client's GetAuthData work and counts it. */
    private static final class CountingExecutor extends AbstractExecutorService {
        private final ExecutorService delegate = Executors.newSingleThreadExecutor();
        private final AtomicInteger submitted = new AtomicInteger();

        int submitted() {
            return submitted.get();
        }

        @Override
        public void execute(Runnable command) {
            submitted.incrementAndGet();
            delegate.execute(command);
        }

        @Override
        public void shutdown() {
            delegate.shutdown();
        }

        @Override
        public List<Runnable> shutdownNow() {
            return delegate.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
            return delegate.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return delegate.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return delegate.awaitTermination(timeout, unit);
        }
    }
}
