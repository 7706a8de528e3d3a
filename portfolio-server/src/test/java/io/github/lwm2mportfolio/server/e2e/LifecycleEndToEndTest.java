package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.client.testing.TestCertificates;
import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import io.github.lwm2mportfolio.server.ComplianceWebhook;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.DeviceAction;
import io.github.lwm2mportfolio.server.inventory.DeviceDetail;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;
import io.github.lwm2mportfolio.server.rest.RestApi;

/**
 * The operator's lifecycle actions against a real server and real clients over CoAP and DTLS: re-enrolment of a
 * device that lost its store, a revocation set over REST, removal of a running device, the compliance webhook
 * (with a receiver that fails, and one that hangs), and the log lines of registrations, verdicts and failed DTLS
 * handshakes (a certificate of a CA outside the trust directory; a PSK identity the server does not know is not
 * refused by Scandium at once, it lets the handshake time out).
 */
class LifecycleEndToEndTest {

    @TempDir
    Path dir;

    private final ObjectMapper json = RestApi.objectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
    private PortfolioServer server;
    private Fleet fleet;
    private String adminToken;

    private void startServer(PortfolioServer.Builder builder) throws Exception {
        server = builder.bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(0).dataDirectory(dir.resolve("server"))
                .collector(CollectorConfig.defaults().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3),
                        Duration.ofMillis(100)))
                .build();
        server.inventory().replaceCertifications(new CertificationList(
                List.of(new Certification("Northwind Metering", "NW-E350", "3.4.1")), Set.of()));
        server.start();
        adminToken = server.tokens().create("alice", Role.ADMIN).secret();
        fleet = new Fleet(server, dir.resolve("clients"));
    }

    @AfterEach
    void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
        if (server != null) {
            server.close();
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    @Timeout(90)
    void a_device_that_lost_its_store_is_refused_as_a_replay_until_an_operator_re_enrols_it() throws Exception {
        startServer(PortfolioServer.builder());
        String endpoint = Fleet.newEndpoint("lost-store");
        PortfolioClient first = fleet.start(fleet.client(endpoint, true), Fleet.HostSetup.certified("HD-1"));
        assertThat(awaitVerdictAfter(endpoint, Instant.EPOCH).outcome()).isEqualTo(VerificationOutcome.VERIFIED);
        first.close();
        // the store is lost: a new data directory, with the same key (a copy of the key store)
        Path newDirectory = Files.createDirectories(dir.resolve("replaced-" + endpoint));
        Files.copy(dir.resolve("clients").resolve(endpoint).resolve("keys.p12"), newDirectory.resolve("keys.p12"));
        Instant restarted = Instant.now();
        fleet.start(PortfolioClient.builder(endpoint).serverUri(server.coapUri()).dataDirectory(newDirectory)
                .keySource(Pkcs12KeySource.openOrCreate(newDirectory.resolve("keys.p12"), "pw".toCharArray(), endpoint,
                        Fleet.MASTER_KEY))
                .localAddress(InetAddress.getLoopbackAddress()), Fleet.HostSetup.certified("HD-1"));

        Verification replayed = awaitVerdictAfter(endpoint, restarted);
        assertThat(replayed.outcome()).isEqualTo(VerificationOutcome.FAILED);
        assertThat(replayed.reason()).contains("REPLAYED_COUNTER");
        assertThat(state(endpoint)).isEqualTo(ComplianceState.UNVERIFIED);

        HttpResponse<String> reEnrolled = send("POST", "/api/devices/" + endpoint + "/re-enrolment", null);
        HttpResponse<String> verified = send("POST", "/api/devices/" + endpoint + "/verify", null);

        assertThat(reEnrolled.statusCode()).isEqualTo(200);
        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
        assertThat(json.readTree(verified.body()).get("outcome").asText()).isEqualTo("VERIFIED");
        DeviceDetail device = server.inventory().device(endpoint).orElseThrow();
        assertThat(device.summary().state()).isEqualTo(ComplianceState.COMPLIANT);
        assertThat(device.actions()).singleElement().satisfies(action -> {
            assertThat(action.action()).isEqualTo(DeviceAction.RE_ENROLMENT);
            assertThat(action.actor()).isEqualTo("alice");
        });
    }

    @Test
    @Timeout(90)
    void a_certificate_revoked_over_rest_leaves_the_device_unverified_at_its_next_verification_and_alerts()
            throws Exception {
        Receiver receiver = Receiver.start(closing, 1);
        startServer(PortfolioServer.builder().webhook(receiver.uri("/hook?secret=s3cr3t")).webhookSettings(
                new ComplianceWebhook.Settings(100, 5, Duration.ofMillis(50))));
        String endpoint = Fleet.newEndpoint("revoked");
        PortfolioClient.Builder builder = fleet.client(endpoint, true);
        Pkcs12KeySource keys = Pkcs12KeySource.openOrCreate(dir.resolve("clients").resolve(endpoint)
                .resolve("keys.p12"), "pw".toCharArray(), endpoint, Fleet.MASTER_KEY);
        X509Certificate certificate = keys.signingKey(keys.defaultKeyId()).chain().get(0);
        fleet.start(builder, Fleet.HostSetup.certified("HD-2"));
        awaitVerdictAfter(endpoint, Instant.EPOCH);
        assertThat(state(endpoint)).isEqualTo(ComplianceState.COMPLIANT);
        String fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(certificate.getEncoded()));

        HttpResponse<String> put = send("PUT", "/api/revocations", "{\"entries\":[\"" + fingerprint + "\"]}");
        HttpResponse<String> verified = send("POST", "/api/devices/" + endpoint + "/verify", null);

        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        JsonNode verdict = json.readTree(verified.body());
        assertThat(verdict.get("outcome").asText()).isEqualTo("FAILED");
        assertThat(verdict.get("reason").asText()).contains("UNTRUSTED_SIGNER", "is revoked: SHA-256 fingerprint "
                + fingerprint + " is listed");
        assertThat(state(endpoint)).isEqualTo(ComplianceState.UNVERIFIED);
        // the webhook: every change, in order, though its first POST was answered 503
        // one change for the collection, written in one transaction (NO_PORTFOLIO to COMPLIANT), one for the revocation
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.events(endpoint).size() >= 2);
        List<JsonNode> events = receiver.events(endpoint);
        assertThat(events).extracting(e -> e.get("newState").asText()).containsSubsequence("COMPLIANT",
                "UNVERIFIED");
        JsonNode revokedEvent = events.get(events.size() - 1);
        assertThat(revokedEvent.get("type").asText()).isEqualTo("compliance");
        assertThat(revokedEvent.get("oldState").asText()).isEqualTo("COMPLIANT");
        assertThat(revokedEvent.get("reason").asText()).contains("is revoked");
        assertThat(receiver.failuresAnswered.get()).isEqualTo(1);
        assertThat(receiver.paths).allSatisfy(path -> assertThat(path).isEqualTo("/hook?secret=s3cr3t"));
        // kept: a new server on the same inventory still refuses it
        assertThat(server.inventory().revocations().fingerprints()).containsExactly(fingerprint);
    }

    @Test
    @Timeout(90)
    void a_removed_device_that_is_still_running_registers_again_and_reappears_with_a_new_history() throws Exception {
        startServer(PortfolioServer.builder());
        String endpoint = Fleet.newEndpoint("removed");
        PortfolioClient client = fleet.start(fleet.client(endpoint, true), Fleet.HostSetup.certified("HD-3"));
        awaitVerdictAfter(endpoint, Instant.EPOCH);

        HttpResponse<String> removed = send("DELETE", "/api/devices/" + endpoint, null);

        assertThat(removed.statusCode()).isEqualTo(200);
        assertThat(json.readTree(removed.body()).get("wasRegistered").asBoolean()).isTrue();
        assertThat(server.inventory().device(endpoint)).isEmpty();
        assertThat(server.lwm2mServer().getRegistrationService().getByEndpoint(endpoint)).isNull();

        Instant before = Instant.now();
        client.leshanClient().triggerRegistrationUpdate(); // refused 4.04: the client registers again

        Verification fresh = awaitVerdictAfter(endpoint, before);
        DeviceDetail device = server.inventory().device(endpoint).orElseThrow();
        assertThat(device.summary().online()).isTrue();
        assertThat(fresh.outcome()).isEqualTo(VerificationOutcome.VERIFIED);
        assertThat(device.verifications()).as("only what came after the removal").allSatisfy(
                v -> assertThat(v.at()).isAfterOrEqualTo(before.minusMillis(1)));
    }

    @Test
    @Timeout(90)
    void a_webhook_that_hangs_neither_holds_up_collection_nor_grows_without_bound() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        closing.add(release::countDown);
        Receiver hanging = Receiver.hanging(closing, release);
        startServer(PortfolioServer.builder().webhook(hanging.uri("/hook")).webhookSettings(
                new ComplianceWebhook.Settings(1, 1, Duration.ofMillis(50))));
        List<String> endpoints = List.of(Fleet.newEndpoint("hook-a"), Fleet.newEndpoint("hook-b"),
                Fleet.newEndpoint("hook-c"));

        for (String endpoint : endpoints) {
            fleet.start(fleet.client(endpoint, true), Fleet.HostSetup.certified("HD-" + endpoint));
        }

        for (String endpoint : endpoints) {
            awaitVerdictAfter(endpoint, Instant.EPOCH);
            assertThat(state(endpoint)).isEqualTo(ComplianceState.COMPLIANT);
        }
        // 1 change a device (its collection is one transaction): one is being sent (hanging), one waits, the
        // other was dropped
        ComplianceWebhook webhook = server.webhook().orElseThrow();
        assertThat(webhook.droppedCount()).isGreaterThanOrEqualTo(1);
        assertThat(webhook.deliveredCount()).isZero();
    }

    @Test
    @Timeout(90)
    void registrations_verdicts_deregistrations_and_failed_dtls_handshakes_are_logged() throws Exception {
        TestCertificates fleetCa = new TestCertificates("fleet device CA");
        Path trust = dir.resolve("trust");
        fleetCa.writeCaPem(trust.resolve("fleet-ca.pem"));
        startServer(PortfolioServer.builder().trustDirectory(trust));
        String endpoint = Fleet.newEndpoint("logged");
        String intruder = Fleet.newEndpoint("rogue-ca");
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            PortfolioClient client = fleet.start(fleet.client(endpoint, true), Fleet.HostSetup.certified("HD-4"));
            awaitVerdictAfter(endpoint, Instant.EPOCH);
            client.close();
            fleet.start(fleet.x509Client(intruder, new TestCertificates("rogue CA")), Fleet.HostSetup.none());
            await().atMost(Duration.ofSeconds(30)).until(() -> log.toString(StandardCharsets.UTF_8)
                    .contains("DTLS handshake with"));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no handshake failure logged:\n" + log.toString(StandardCharsets.UTF_8), e);
        } finally {
            System.setErr(original);
        }

        String logged = log.toString(StandardCharsets.UTF_8);
        assertThat(logged).containsPattern("INFO .*registered " + endpoint + " from /127\\.0\\.0\\.1:\\d+ over coap, "
                + "LwM2M 1\\.\\d, object 16: yes");
        assertThat(logged).containsPattern("INFO .*verdict for " + endpoint + ": VERIFIED \\(\\d+ AuthData values "
                + "verified\\)");
        assertThat(logged).containsPattern("INFO .*deregistered " + endpoint + " \\(was registered from /127\\.0\\.0"
                + "\\.1:\\d+\\)");
        assertThat(logged).containsPattern("WARN .*DTLS handshake with /127\\.0\\.0\\.1:\\d+ failed: .+");
    }

    // ---- helpers

    private Verification awaitVerdictAfter(String endpoint, Instant after) {
        await().atMost(Duration.ofSeconds(30)).until(() -> server.inventory().device(endpoint)
                .map(d -> d.summary().lastVerification() != null
                        && d.summary().lastVerification().at().isAfter(after))
                .orElse(false));
        return server.inventory().device(endpoint).orElseThrow().summary().lastVerification();
    }

    private ComplianceState state(String endpoint) {
        return server.inventory().device(endpoint).orElseThrow().summary().state();
    }

    private HttpResponse<String> send(String method, String path, String jsonBody) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.restUri() + path))
                .timeout(Duration.ofSeconds(40)).header("Authorization", "Bearer " + adminToken)
                .method(method, jsonBody == null ? BodyPublishers.noBody() : BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), BodyHandlers.ofString());
    }

    /** A webhook receiver on loopback (the JDK's HTTP server): answers 503 to its first N requests, then 204. */
    private static final class Receiver {
        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        final List<String> paths = new CopyOnWriteArrayList<>();
        final AtomicInteger failuresAnswered = new AtomicInteger();
        private final HttpServer http;

        private Receiver(HttpServer http) {
            this.http = http;
        }

        static Receiver start(List<AutoCloseable> closing, int failFirst) throws Exception {
            Receiver receiver = new Receiver(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
            ObjectMapper mapper = new ObjectMapper();
            receiver.http.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                receiver.paths.add(exchange.getRequestURI().toString());
                if (receiver.failuresAnswered.get() < failFirst) {
                    receiver.failuresAnswered.incrementAndGet();
                    exchange.sendResponseHeaders(503, -1);
                } else {
                    receiver.received.add(mapper.readTree(body));
                    exchange.sendResponseHeaders(204, -1);
                }
                exchange.close();
            });
            receiver.http.start();
            closing.add(() -> receiver.http.stop(0));
            return receiver;
        }

        /** Holds every request until {@code release}. */
        static Receiver hanging(List<AutoCloseable> closing, CountDownLatch release) throws Exception {
            Receiver receiver = new Receiver(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
            receiver.http.createContext("/", exchange -> {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            receiver.http.start();
            closing.add(() -> receiver.http.stop(0));
            return receiver;
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + path);
        }

        List<JsonNode> events(String endpoint) {
            return received.stream().filter(e -> endpoint.equals(e.path("endpoint").asText())).toList();
        }
    }
}
