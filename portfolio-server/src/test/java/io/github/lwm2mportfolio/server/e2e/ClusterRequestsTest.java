package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.github.lwm2mportfolio.client.ClientSecurity;
import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.client.testing.TestCertificates;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.Revocations;
import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.inventory.DeviceCredential;
import io.github.lwm2mportfolio.server.inventory.SecretSealer;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;
import io.github.lwm2mportfolio.server.redis.RedisCollectionLeases;
import io.github.lwm2mportfolio.server.redis.TestPostgres;
import io.github.lwm2mportfolio.server.redis.TestRedis;

/**
 * Two server nodes sharing Redis and PostgreSQL: the REST API of node b serves the devices registered on node a,
 * by forwarding to node a what must reach the device. Node a's REST API is announced (--node-url) as a relay
 * that records what reaches it, so that the tests see what node b sent on.
 */
class ClusterRequestsTest {

    private static final String FORWARDED_BY = "X-Portfolio-Forwarded-By";
    private static final String ANSWERED_BY = "X-Portfolio-Node";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final TestCertificates fleetCa = new TestCertificates("fleet device CA");
    private TestRedis redis;
    private TestPostgres postgres;
    private RecordingRelay relayToA;
    private PortfolioServer nodeA;
    private PortfolioServer nodeB;
    private Fleet fleet;
    private String operator;

    @BeforeEach
    void start() throws Exception {
        redis = TestRedis.open();
        postgres = TestPostgres.open();
        fleetCa.writeCaPem(dir.resolve("trust").resolve("fleet-ca.pem"));
        relayToA = new RecordingRelay();
        nodeA = node("a", dir.resolve("a")).nodeUrl(relayToA.uri()).build();
        copyNodeFiles("b");
        nodeB = node("b", dir.resolve("b")).build();
        nodeA.start();
        nodeB.start();
        relayToA.target = URI.create(nodeA.restUri());
        fleet = new Fleet(nodeA, dir.resolve("clients"));
        operator = nodeA.tokens().create("ops", Role.OPERATOR).secret();
    }

    /** The nodes share the secrets key and the server identity, as an operator copies them to each node. */
    private void copyNodeFiles(String node) throws IOException {
        Files.createDirectories(dir.resolve(node));
        for (String file : List.of(SecretSealer.KEY_FILE_NAME, "server-identity.p12", "server-identity.p12.password")) {
            Files.copy(dir.resolve("a").resolve(file), dir.resolve(node).resolve(file));
        }
    }

    private PortfolioServer.Builder node(String name, Path data) {
        return PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(0)
                .dataDirectory(data).jdbcUrl(postgres.jdbcUrl()).fleetMasterKey(Fleet.MASTER_KEY)
                .trustDirectory(dir.resolve("trust"))
                .collector(CollectorConfig.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(15),
                        Duration.ofMillis(100)))
                .redis(TestRedis.URI).redisPrefix(redis.prefix()).nodeName(name);
    }

    @AfterEach
    void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
        for (AutoCloseable closeable : new AutoCloseable[] { nodeA, nodeB, relayToA, redis, postgres }) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void verify_through_node_b_runs_on_node_a_is_stored_and_answered_by_b() throws Exception {
        String endpoint = verifiedDeviceOnA("HDID-F1").endpoint();
        Verification before = lastVerification(endpoint);
        int collectedOnB = nodeB.collector().collectedCount();

        HttpResponse<String> verify = send(nodeB, "POST", "/api/devices/" + endpoint + "/verify", operator, null);

        assertThat(verify.statusCode()).as(verify.body()).isEqualTo(200);
        assertThat(verify.headers().firstValue(ANSWERED_BY)).hasValue("a");
        JsonNode verdict = JSON.readTree(verify.body());
        assertThat(verdict.get("outcome").asText()).isEqualTo("VERIFIED");
        assertThat(verdict.get("counter").asLong()).isGreaterThan(before.counter());
        assertThat(relayToA.seen).containsExactly("POST /api/devices/" + endpoint + "/verify forwarded by b");
        // Run on node a, stored in the shared inventory; node b's collector never touched the device.
        Verification stored = lastVerification(endpoint);
        assertThat(stored.counter()).isEqualTo(verdict.get("counter").asLong());
        assertThat(stored.at()).isAfter(before.at());
        assertThat(nodeB.collector().collectedCount()).isEqualTo(collectedOnB);
    }

    @Test
    void an_identity_write_through_node_b_reaches_the_device() throws Exception {
        int[] module = new int[1];
        PortfolioClient client = verifiedDeviceOnA(device -> {
            Fleet.HostSetup.certified("HDID-F2").apply(device);
            // the host's instance is locked by the host; an unlocked one takes the server's writes
            module[0] = device.portfolios().create("4/0", Map.of(0, "IMEI-1"), false);
        });

        HttpResponse<String> write = send(nodeB, "PUT", "/api/devices/" + client.endpoint() + "/portfolio/"
                + module[0] + "/identity/0", operator, "{\"value\":\"IMEI-2\"}");

        assertThat(write.statusCode()).as(write.body()).isEqualTo(200);
        assertThat(write.headers().firstValue(ANSWERED_BY)).hasValue("a");
        assertThat(client.portfolios().get(module[0]).orElseThrow().identities()).containsEntry(0, "IMEI-2");
        assertThat(relayToA.seen).hasSize(1);
    }

    @Test
    void a_path_and_query_with_characters_jetty_accepts_but_uri_refuses_are_forwarded_not_answered_500()
            throws Exception {
        String endpoint = verifiedDeviceOnA(Fleet.newEndpoint("meter|pipe"), Fleet.HostSetup.certified("HDID-F11"))
                .endpoint();

        // Raw on the wire, as curl or a proxy may send them: java.net.URI itself refuses '|' and a stray '%'.
        String answer = rawPost(nodeB, "/api/devices/" + endpoint + "/verify?note=|50%", operator);

        assertThat(answer).startsWith("HTTP/1.1 200").contains(ANSWERED_BY + ": a").contains("\"VERIFIED\"");
        assertThat(relayToA.seen).containsExactly("POST /api/devices/" + endpoint.replace("|", "%7C")
                + "/verify?note=%7C50%25 forwarded by b");
    }

    @Test
    void a_missing_wrong_or_too_weak_token_is_refused_by_node_b_and_never_reaches_node_a() throws Exception {
        String endpoint = verifiedDeviceOnA("HDID-F3").endpoint();
        String viewer = nodeA.tokens().create("view", Role.VIEWER).secret();
        String path = "/api/devices/" + endpoint + "/verify";

        HttpResponse<String> none = send(nodeB, "POST", path, null, null);
        HttpResponse<String> wrong = send(nodeB, "POST", path, "not-a-token", null);
        HttpResponse<String> weak = send(nodeB, "POST", path, viewer, null);

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(weak.statusCode()).isEqualTo(403);
        for (HttpResponse<String> refusal : List.of(none, wrong, weak)) {
            assertThat(refusal.headers().firstValue(ANSWERED_BY)).hasValue("b");
        }
        assertThat(relayToA.seen).isEmpty();
    }

    @Test
    void node_b_answers_503_for_a_device_of_a_node_that_stopped() throws Exception {
        String endpoint = verifiedDeviceOnA("HDID-F4").endpoint();
        nodeA.close(); // its announcement is withdrawn; the registration stays in the shared store until it expires
        assertThat(nodeB.lwm2mServer().getRegistrationService().getByEndpoint(endpoint)).isNotNull();

        HttpResponse<String> verify = send(nodeB, "POST", "/api/devices/" + endpoint + "/verify", operator, null);

        assertThat(verify.statusCode()).as(verify.body()).isEqualTo(503);
        assertThat(verify.body()).contains("server node 'a', which is not answering")
                .contains("registers through a live node");
        assertThat(relayToA.seen).isEmpty();
    }

    @Test
    void node_b_answers_502_when_the_rest_api_node_a_announces_refuses_the_connection() throws Exception {
        String endpoint = verifiedDeviceOnA("HDID-F9").endpoint();
        relayToA.close();

        HttpResponse<String> verify = send(nodeB, "POST", "/api/devices/" + endpoint + "/verify", operator, null);

        assertThat(verify.statusCode()).as(verify.body()).isEqualTo(502);
        assertThat(verify.body()).contains("server node 'a'").contains(relayToA.uri().toString());
        assertThat(verify.headers().firstValue(ANSWERED_BY)).hasValue("b");
    }

    @Test
    void a_forwarded_request_reaching_a_node_that_does_not_hold_the_device_is_answered_421_not_forwarded_again()
            throws Exception {
        String endpoint = verifiedDeviceOnA("HDID-F5").endpoint();

        HttpResponse<String> verify = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(nodeB.restUri() + "/api/devices/" + endpoint + "/verify"))
                .header("Authorization", "Bearer " + operator).header(FORWARDED_BY, "c")
                .POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());

        assertThat(verify.statusCode()).as(verify.body()).isEqualTo(421);
        assertThat(verify.body()).contains("connected through server node 'a'").contains("not forwarded again");
        assertThat(relayToA.seen).isEmpty();
    }

    @Test
    void a_verify_while_another_node_collects_the_device_answers_409_naming_that_node()
            throws Exception {
        String endpoint = verifiedDeviceOnA("HDID-F6").endpoint();
        Verification before = lastVerification(endpoint);
        CountDownLatch leaseTaken = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        RedisCollectionLeases nodeC = new RedisCollectionLeases(redis.connect("c"), Duration.ofSeconds(30));
        ExecutorService collectorOfC = Executors.newSingleThreadExecutor();
        try {
            collectorOfC.submit(() -> nodeC.whileHeld(endpoint, () -> {
                leaseTaken.countDown();
                done.await(60, TimeUnit.SECONDS);
            }));
            assertThat(leaseTaken.await(30, TimeUnit.SECONDS)).isTrue();

            HttpResponse<String> throughB = send(nodeB, "POST", "/api/devices/" + endpoint + "/verify", operator,
                    null);
            HttpResponse<String> onA = send(nodeA, "POST", "/api/devices/" + endpoint + "/verify", operator, null);

            for (HttpResponse<String> refusal : List.of(throughB, onA)) {
                assertThat(refusal.statusCode()).as(refusal.body()).isEqualTo(409);
                assertThat(refusal.headers().firstValue("Retry-After")).isPresent();
                assertThat(JSON.readTree(refusal.body()).get("collectingNode").asText()).isEqualTo("c");
            }
            assertThat(lastVerification(endpoint)).isEqualTo(before);
        } finally {
            done.countDown();
            collectorOfC.shutdown();
            assertThat(collectorOfC.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            nodeC.close();
        }
        HttpResponse<String> after = send(nodeB, "POST", "/api/devices/" + endpoint + "/verify", operator, null);
        assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
    }

    @Test
    void concurrent_verifies_on_both_nodes_challenge_the_device_one_at_a_time() throws Exception {
        String endpoint = verifiedDeviceOnA("HDID-F7").endpoint();
        List<ServerEvents.Event> verdicts = new CopyOnWriteArrayList<>();
        nodeA.events().subscribe(event -> {
            if (endpoint.equals(event.endpoint()) && event.type().equals("verdict")) {
                verdicts.add(event);
            }
        });
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (PortfolioServer node : List.of(nodeA, nodeB)) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return send(node, "POST", "/api/devices/" + endpoint + "/verify", operator, null);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
        }
        Set<Long> counters = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> answer = call.get(90, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isIn(200, 409);
            assertThat(answer.headers().firstValue(ANSWERED_BY)).hasValue("a");
            if (answer.statusCode() == 200) {
                JsonNode verdict = JSON.readTree(answer.body());
                // two challenges at once would race for the counter: one of them "counter replayed"
                assertThat(verdict.get("outcome").asText()).as(answer.body()).isEqualTo("VERIFIED");
                counters.add(verdict.get("counter").asLong());
            }
        }
        assertThat(counters).isNotEmpty();
        // Each challenge that ran is a verdict answered (the calls that came while it ran shared it), the last stored.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(verdicts).hasSize(counters.size()));
        assertThat(lastVerification(endpoint).counter()).isEqualTo(counters.stream().max(Long::compare).orElseThrow());
    }

    @Test
    void a_revocation_made_through_node_b_refuses_the_next_dtls_handshake_on_node_a() throws Exception {
        String endpoint = Fleet.newEndpoint("x509-cluster");
        TestCertificates.Credential device = fleetCa.client(endpoint);
        nodeA.inventory().putCredential(new DeviceCredential(endpoint, DeviceCredential.Kind.X509, null, null));
        PortfolioClient before = fleet.start(x509Client(endpoint, device), Fleet.HostSetup.certified("HDID-F8"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> nodeA.lwm2mServer().getRegistrationService().getByEndpoint(endpoint) != null);
        before.close(); // its DTLS session goes with it: the next start makes a full handshake
        String admin = nodeA.tokens().create("admin", Role.ADMIN).secret();

        HttpResponse<String> revoked = send(nodeB, "PUT", "/api/revocations", admin,
                "{\"entries\":[\"" + device.certificate().getSerialNumber().toString(16) + "\"]}");

        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> nodeA.keys().revocation(device.certificate()).isPresent());
        BlockingQueue<Exception> handshakeFailures = new LinkedBlockingQueue<>();
        fleet.start(x509Client(endpoint, device), Fleet.HostSetup.certified("HDID-F8"),
                new LwM2mClientObserverAdapter() {
                    @Override
                    public void onRegistrationFailure(LwM2mServer server, RegisterRequest request,
                            ResponseCode responseCode, String errorMessage, Exception cause) {
                        if (cause != null) {
                            handshakeFailures.add(cause);
                        }
                    }
                });
        assertThat(handshakeFailures.poll(20, TimeUnit.SECONDS)).as("a failed DTLS handshake")
                .hasStackTraceContaining("CERTIFICATE_REVOKED");
    }

    @Test
    void a_device_of_a_node_without_a_rest_api_is_answered_421_by_node_b() throws Exception {
        copyNodeFiles("c");
        try (PortfolioServer nodeC = node("c", dir.resolve("c")).httpPort(-1).build();
                Fleet fleetOfC = new Fleet(nodeC, dir.resolve("clients-of-c"))) {
            nodeC.start();
            String endpoint = Fleet.newEndpoint("meter");
            fleetOfC.start(fleetOfC.client(endpoint, true), Fleet.HostSetup.certified("HDID-F10"));
            await().atMost(Duration.ofSeconds(30)).until(() -> nodeB.inventory().device(endpoint).isPresent()
                    && nodeB.lwm2mServer().getRegistrationService().getByEndpoint(endpoint) != null);

            HttpResponse<String> verify = send(nodeB, "POST", "/api/devices/" + endpoint + "/verify", operator, null);

            assertThat(verify.statusCode()).as(verify.body()).isEqualTo(421);
            assertThat(verify.body()).contains("server node 'c'").contains("serves no REST API");
        }
    }

    @Test
    void the_revoked_file_of_a_node_that_starts_is_in_force_on_the_running_nodes() throws Exception {
        TestCertificates.Credential device = fleetCa.client(Fleet.newEndpoint("x509-file"));
        assertThat(nodeA.keys().revocation(device.certificate())).isEmpty();
        copyNodeFiles("c");

        try (PortfolioServer nodeC = node("c", dir.resolve("c"))
                .revoked(new Revocations(Set.of(device.certificate().getSerialNumber()), Set.of())).build()) {
            nodeC.start();

            await().atMost(Duration.ofSeconds(20)).until(() -> nodeA.keys().revocation(device.certificate()).isPresent()
                    && nodeB.keys().revocation(device.certificate()).isPresent());
        }
    }

    private PortfolioClient.Builder x509Client(String endpoint, TestCertificates.Credential device) throws Exception {
        return fleet.client(endpoint, true).serverUri(nodeA.coapsUri()).security(
                ClientSecurity.x509(device.certificate(), device.privateKey(), nodeA.serverCertificate()));
    }

    /** A device registered on node a and verified there by its first collection. */
    private PortfolioClient verifiedDeviceOnA(String uniqueId) throws Exception {
        return verifiedDeviceOnA(Fleet.HostSetup.certified(uniqueId));
    }

    private PortfolioClient verifiedDeviceOnA(Fleet.HostSetup host) throws Exception {
        return verifiedDeviceOnA(Fleet.newEndpoint("meter"), host);
    }

    private PortfolioClient verifiedDeviceOnA(String endpoint, Fleet.HostSetup host) throws Exception {
        PortfolioClient client = fleet.start(fleet.client(endpoint, true), host);
        await().atMost(Duration.ofSeconds(30)).until(() -> nodeB.inventory().device(endpoint)
                .map(d -> d.summary().lastVerification() != null).orElse(false));
        assertThat(lastVerification(endpoint).outcome()).isEqualTo(VerificationOutcome.VERIFIED);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> nodeB.lwm2mServer().getRegistrationService().getByEndpoint(endpoint) != null);
        // that first collection has released the device's lease: a verify now is not answered 409
        await().atMost(Duration.ofSeconds(20)).until(() -> nodeA.collector().pendingCount() == 0);
        return client;
    }

    private Verification lastVerification(String endpoint) {
        return nodeB.inventory().device(endpoint).orElseThrow().summary().lastVerification();
    }

    private static HttpResponse<String> send(PortfolioServer node, String method, String path, String token,
            String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.restUri() + path))
                .method(method, json == null ? BodyPublishers.noBody() : BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return HttpClient.newHttpClient().send(request.build(), BodyHandlers.ofString());
    }

    /** A POST with this request target as it is, byte for byte; the whole answer (status line, headers, body). */
    private static String rawPost(PortfolioServer node, String target, String token) throws IOException {
        URI rest = URI.create(node.restUri());
        try (Socket socket = new Socket(rest.getHost(), rest.getPort())) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(("POST " + target + " HTTP/1.1\r\nHost: " + rest.getAuthority()
                    + "\r\nAuthorization: Bearer " + token + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Passes each request on to {@link #target} and records it: "METHOD path forwarded by NODE". */
    private static final class RecordingRelay implements AutoCloseable {
        final List<String> seen = new CopyOnWriteArrayList<>();
        volatile URI target;
        private final HttpServer server;
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        RecordingRelay() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::relay);
            server.setExecutor(threads);
            server.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        private void relay(HttpExchange exchange) throws IOException {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " forwarded by "
                    + exchange.getRequestHeaders().getFirst(FORWARDED_BY));
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI().toString()))
                    .method(exchange.getRequestMethod(),
                            BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
            for (String name : List.of("Authorization", "Content-Type", FORWARDED_BY)) {
                String value = exchange.getRequestHeaders().getFirst(name);
                if (value != null) {
                    request.header(name, value);
                }
            }
            try {
                HttpResponse<byte[]> answer = http.send(request.build(), BodyHandlers.ofByteArray());
                for (Map.Entry<String, List<String>> header : answer.headers().map().entrySet()) {
                    if (List.of("content-type", "retry-after", ANSWERED_BY.toLowerCase()).contains(
                            header.getKey().toLowerCase())) {
                        exchange.getResponseHeaders().put(header.getKey(), header.getValue());
                    }
                }
                exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
                try (OutputStream body = exchange.getResponseBody()) {
                    body.write(answer.body());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(503, -1);
            } finally {
                exchange.close();
            }
        }

        @Override
        public void close() {
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
