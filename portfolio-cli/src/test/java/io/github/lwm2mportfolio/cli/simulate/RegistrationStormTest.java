package io.github.lwm2mportfolio.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.registration.RegistrationForm;
import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.collector.CollectorStats;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * A registration storm: the simulator's clients all start at once against one server, from one address. Every
 * device is collected and verified in the end, while the collector's waiting work stays within one entry per
 * registered device and its threads stay the configured workers (issue 11). 300 clients per build;
 * {@code -Dstorm.clients=N} for more. No timing is asserted beyond a generous bound.
 */
class RegistrationStormTest {

    private static final long SEED = 11;
    private static final int CLIENTS = Integer.getInteger("storm.clients", 300);

    @TempDir
    Path dir;

    @Test
    void every_device_of_a_storm_is_verified_with_the_queue_and_threads_bounded() throws Exception {
        Path trust = dir.resolve("trust");
        SimulatorAuthority.fromSeed(SEED).writeCertificate(trust);
        try (PortfolioServer server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0)
                .httpPort(-1).dataDirectory(dir.resolve("server")).trustDirectory(trust).build()) {
            server.start();
            SimulatedFleet.Settings settings = new SimulatedFleet.Settings(CLIENTS, List.of(server.coapUri()), SEED, 0, false,
                    false, null, InetAddress.getLoopbackAddress(), 300, 8, "storm-", AuthService.SIGN,
                    RegistrationForm.parse("1.1", "all"));
            AtomicInteger maxCollectorThreads = new AtomicInteger();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> maxCollectorThreads.accumulateAndGet(collectorThreads(), Math::max),
                    0, 200, TimeUnit.MILLISECONDS);
            try (SimulatedFleet fleet = SimulatedFleet.build(settings, new FleetProgress(CLIENTS))) {
                fleet.startAll(() -> false);
                await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> verified(server) == CLIENTS);
            } finally {
                sampler.shutdownNow();
            }
            CollectorStats stats = server.collector().stats();
            assertThat(stats.maxWaiting()).as("collector queue high-water mark")
                    .isLessThanOrEqualTo(CLIENTS + server.collector().stats().workers());
            assertThat(maxCollectorThreads.get()).isEqualTo(stats.workers());
            assertThat(server.lwm2mServer().getRegistrationService().getAllRegistrations()).toIterable()
                    .hasSize(0);
        }
    }

    private static long verified(PortfolioServer server) {
        long n = 0;
        for (int i = 0; i < CLIENTS; i++) {
            n += server.inventory().device(SimulatedFleet.endpoint("storm-", i))
                    .map(d -> d.summary().lastVerification() != null
                            && d.summary().lastVerification().outcome() == VerificationOutcome.VERIFIED ? 1 : 0)
                    .orElse(0);
        }
        return n;
    }

    private static int collectorThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().matches("collector-\\d+")).count();
    }
}
