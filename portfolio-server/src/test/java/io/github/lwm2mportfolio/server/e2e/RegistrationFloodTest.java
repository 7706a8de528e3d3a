package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;
import io.github.lwm2mportfolio.server.registration.RawRegistrations;

/**
 * A flood of fake registrations (a socket that registers endpoints with object 16, then never answers) does not
 * starve real devices, does not make verify answer 500, and leaves nothing behind after a restart (issue 11).
 */
class RegistrationFloodTest {

    private static final String FAKE_LINKS = "</1/0>,</3/0>,</16/0>";
    /** Strangers of the first test: 300 per build, {@code -Dflood.strangers=5000} for the issue's flood. */
    private static final int STRANGERS = Integer.getInteger("flood.strangers", 300);

    @TempDir
    Path dir;

    private PortfolioServer server;
    private Fleet fleet;

    @AfterEach
    void stop() {
        if (fleet != null) {
            fleet.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private PortfolioServer start(CollectorConfig collector, int httpPort) throws Exception {
        PortfolioServer started = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0)
                .httpPort(httpPort).dataDirectory(dir.resolve("server")).fleetMasterKey(Fleet.MASTER_KEY)
                .collector(collector).build();
        started.start();
        return started;
    }

    /** Registers {@code count} fakes from one socket, then closes it: the server's requests go unanswered. */
    private void flood(String prefix, int count, String links) {
        try (RawRegistrations raw = new RawRegistrations(server.coapUri(), InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < count; i++) {
                assertThat(raw.register(prefix + i, "3600", links).getCode()).isEqualTo(ResponseCode.CREATED);
            }
        }
    }

    private Supplier<Boolean> verifiedSince(String endpoint, Instant since) {
        return () -> server.inventory().device(endpoint).map(d -> d.summary())
                .map(s -> s.lastVerification() != null && s.lastVerification().outcome() == VerificationOutcome.VERIFIED
                        && !s.lastVerification().at().isBefore(since))
                .orElse(false);
    }

    @Test
    void established_and_credentialed_devices_are_collected_within_seconds_during_a_flood_of_strangers()
            throws Exception {
        // Two workers, two seconds per unanswered request, four attempts: 300 strangers alone keep them busy for
        // 300 * 2 s * 4 / 2 = 20 minutes.
        server = start(CollectorConfig.defaults().withWorkers(2, 64).withTimeouts(Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofMillis(100)), -1);
        fleet = new Fleet(server, dir.resolve("clients"));
        PortfolioClient returning = fleet.start(fleet.client("returning", true), Fleet.HostSetup.certified("HD-R"));
        await().atMost(Duration.ofSeconds(30)).until(verifiedSince("returning", Instant.EPOCH)::get);
        returning.close();

        flood("stranger-", STRANGERS, FAKE_LINKS);
        await().atMost(Duration.ofSeconds(60)).until(() -> server.collector().stats().waiting() >= STRANGERS * 5 / 6);

        Instant during = Instant.now().minusMillis(1);
        fleet.start(fleet.client("returning", true), Fleet.HostSetup.certified("HD-R"));
        fleet.start(fleet.pskClient("credentialed"), Fleet.HostSetup.certified("HD-C"));
        await().atMost(Duration.ofSeconds(45)).until(verifiedSince("returning", during)::get);
        await().atMost(Duration.ofSeconds(45)).until(verifiedSince("credentialed", during)::get);
        System.out.printf("flood of %d strangers: both devices verified %.1f s after they started%n", STRANGERS,
                Duration.between(during, Instant.now()).toMillis() / 1000.0);

        assertThat(server.collector().stats().waiting()).as("strangers still waiting").isGreaterThan(STRANGERS * 2 / 3);
        assertThat(server.collector().stats().maxWaiting()).isLessThanOrEqualTo(STRANGERS + 2);
        assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("collector-")
                && !t.getName().equals("collector-scheduler")).count()).isEqualTo(2);
    }

    @Test
    void a_new_stranger_from_another_address_is_collected_within_seconds_while_one_address_floods()
            throws Exception {
        // Two workers, two seconds per unanswered request: served in arrival order, a stranger behind these
        // 300 fakes would wait 300 * 2 s / 2 = 5 minutes.
        server = start(CollectorConfig.defaults().withWorkers(2, 64).withTimeouts(Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofMillis(100)), -1);
        fleet = new Fleet(server, dir.resolve("clients"));
        flood("flooder-", 300, FAKE_LINKS); // from 127.0.0.1
        await().atMost(Duration.ofSeconds(60)).until(() -> server.collector().stats().waiting() >= 250);
        assertThat(server.inventory().device("newcomer")).isEmpty();

        Instant during = Instant.now().minusMillis(1);
        fleet.start(fleet.client("newcomer", true).localAddress(InetAddress.getByName("127.0.0.2")),
                Fleet.HostSetup.certified("HD-NEW"));
        await().atMost(Duration.ofSeconds(30)).until(verifiedSince("newcomer", during)::get);
        System.out.printf("a new stranger from 127.0.0.2 verified %.1f s after it started, behind 300 fakes%n",
                Duration.between(during, Instant.now()).toMillis() / 1000.0);

        assertThat(server.collector().stats().waiting()).as("fakes still waiting").isGreaterThan(200);
    }

    @Test
    void verify_answers_503_with_retry_after_when_the_collector_is_full() throws Exception {
        server = start(CollectorConfig.defaults().withWorkers(1, 1).withTimeouts(Duration.ofSeconds(3),
                Duration.ofSeconds(3), Duration.ofMillis(100)), 0);
        String token = server.tokens().create("operator", Role.OPERATOR).secret();
        flood("busy-", 10, FAKE_LINKS);
        for (int i = 1; i <= 3; i++) {
            server.inventory().registered("busy-" + i, "1.1", true, Instant.now()); // the REST API verifies known rows
        }
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create(server.restUri() + "/api/devices/busy-" + i
                    + "/verify")).header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> responses = answers.stream().map(CompletableFuture::join).toList();

        assertThat(responses).extracting(HttpResponse::statusCode).doesNotContain(500).contains(503);
        HttpResponse<String> busy = responses.stream().filter(r -> r.statusCode() == 503).findFirst().orElseThrow();
        assertThat(busy.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(busy.body()).contains("\"error\":\"the collector is busy (1 verifications waiting); try again in 5 s\"");
        assertThat(responses).filteredOn(r -> r.statusCode() == 200).allSatisfy(r -> assertThat(r.body())
                .contains("UNREACHABLE"));
    }

    @Test
    void after_a_restart_the_counts_show_no_fakes_that_never_became_devices() throws Exception {
        CollectorConfig config = CollectorConfig.defaults().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofMillis(50)).withPurgeStrangersAfter(Duration.ofMillis(1));
        server = start(config, -1);
        fleet = new Fleet(server, dir.resolve("clients"));
        fleet.start(fleet.client("real", true), Fleet.HostSetup.certified("HD-REAL"));
        await().atMost(Duration.ofSeconds(30)).until(verifiedSince("real", Instant.EPOCH)::get);
        flood("bare-", 150, "</1/0>,</3/0>"); // no object 16: collected as NO_PORTFOLIO at once
        flood("silent-", 20, FAKE_LINKS); // object 16, never answers: collections fail
        await().atMost(Duration.ofSeconds(30)).until(() -> server.inventory().complianceCounts()
                .get(ComplianceState.NO_PORTFOLIO) >= 150);
        fleet.close();
        fleet = null;
        server.close();

        server = start(config, -1);
        await().atMost(Duration.ofSeconds(30)).until(() -> total() == 1);
        assertThat(server.inventory().device("real")).isPresent();
        assertThat(server.inventory().device("bare-0")).isEmpty();
        assertThat(server.inventory().device("silent-0")).isEmpty();
    }

    private long total() {
        return server.inventory().complianceCounts().values().stream().mapToLong(Long::longValue).sum();
    }
}
