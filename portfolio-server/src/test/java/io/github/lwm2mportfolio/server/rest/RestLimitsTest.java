package io.github.lwm2mportfolio.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.collector.DeviceOperations;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * What the REST API bears: no cross-site request changes anything (CSRF, CORS), bodies are bounded whatever their
 * framing, event streams are capped, and concurrent verify calls share one challenge.
 */
class RestLimitsTest {

    private static final String EVIL = "https://evil.example";
    private static final String CSV = "manufacturer,model,software_version\nX,Y,Z\n";

    @TempDir
    Path databaseDir;

    private final ObjectMapper json = RestApi.objectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final SlowDevice device = new SlowDevice();
    private final ServerEvents events = new ServerEvents();
    private final List<RestApi> started = new ArrayList<>();
    private JdbcInventory inventory;
    private String admin;

    @BeforeEach
    void openInventory() {
        inventory = JdbcInventory.open(JdbcInventory.h2Url(databaseDir));
        inventory.registered("meter-1", "1.1", true, Instant.now());
        inventory.replaceCertifications(
                new CertificationList(List.of(new Certification("Acme", "Meter", "1.0")), Set.of()));
        admin = inventory.tokens().create("root", Role.ADMIN).secret();
    }

    @AfterEach
    void stop() {
        started.forEach(RestApi::stop);
        inventory.close();
    }

    // ---- CSRF and CORS

    @Test
    void a_browser_style_cross_site_post_is_refused_and_changes_nothing() throws Exception {
        RestApi api = start(RestSettings.defaults());
        // what a page on another site can make a browser send without a preflight: text/plain, no Authorization
        HttpResponse<String> reply = http.send(request(api, "/api/certifications").header("Origin", EVIL)
                .header("Content-Type", "text/plain").POST(BodyPublishers.ofString(CSV)).build(),
                BodyHandlers.ofString());

        assertThat(reply.statusCode()).isEqualTo(401);
        assertThat(reply.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(inventory.certifications().records()).containsExactly(new Certification("Acme", "Meter", "1.0"));
    }

    @Test
    void text_plain_where_csv_or_json_is_meant_is_415_even_with_a_token() throws Exception {
        RestApi api = start(RestSettings.defaults());

        HttpResponse<String> csv = send(api, "POST", "/api/certifications", "text/plain", CSV);
        HttpResponse<String> noType = send(api, "POST", "/api/certifications", null, CSV);
        HttpResponse<String> credential = send(api, "PUT", "/api/credentials/meter-1", "text/plain",
                "{\"kind\":\"X509\"}");

        assertThat(csv.statusCode()).isEqualTo(415);
        assertThat(error(csv)).isEqualTo("the body must be text/csv (Content-Type: text/csv), got text/plain");
        assertThat(noType.statusCode()).isEqualTo(415);
        assertThat(credential.statusCode()).isEqualTo(415);
        assertThat(error(credential)).startsWith("the body must be application/json");
        assertThat(inventory.certifications().records()).containsExactly(new Certification("Acme", "Meter", "1.0"));
        assertThat(inventory.credential("meter-1")).isEmpty();
    }

    @Test
    void cors_is_off_unless_configured_and_then_only_for_the_configured_origin() throws Exception {
        RestApi closed = start(RestSettings.defaults());
        RestApi open = start(RestSettings.defaults().withCorsOrigins(List.of("https://console.example")));

        assertThat(preflight(closed, EVIL).headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(preflight(closed, "https://console.example").headers().firstValue("Access-Control-Allow-Origin"))
                .isEmpty();
        assertThat(preflight(open, EVIL).headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(preflight(open, "https://console.example").headers().firstValue("Access-Control-Allow-Origin"))
                .hasValue("https://console.example");
    }

    // ---- bounded bodies

    @Test
    void a_chunked_csv_past_10_mb_is_413_and_the_list_stays() throws Exception {
        RestApi api = start(RestSettings.defaults());
        long size = RestSettings.DEFAULT_MAX_CSV_BYTES + 1024 * 1024;

        HttpResponse<String> reply = http.send(request(api, "/api/certifications").header("Authorization",
                "Bearer " + admin).header("Content-Type", "text/csv")
                .POST(BodyPublishers.ofInputStream(() -> csvOf(size))).build(), BodyHandlers.ofString());

        assertThat(reply.statusCode()).isEqualTo(413);
        assertThat(error(reply)).isEqualTo("the body is larger than 10485760 bytes");
        assertThat(inventory.certifications().records()).containsExactly(new Certification("Acme", "Meter", "1.0"));
    }

    @Test
    void a_chunked_csv_under_10_mb_is_read_whole() throws Exception {
        RestApi api = start(RestSettings.defaults());
        long size = 3 * 1024 * 1024 / 2;

        HttpResponse<String> reply = http.send(request(api, "/api/certifications").header("Authorization",
                "Bearer " + admin).header("Content-Type", "text/csv")
                .POST(BodyPublishers.ofInputStream(() -> csvOf(size))).build(), BodyHandlers.ofString());

        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        assertThat(reply.body()).contains("\"count\":");
        assertThat(inventory.certifications().records()).hasSizeGreaterThan(50_000);
    }

    @Test
    void a_json_body_past_1_mb_is_413_chunked_or_with_its_length() throws Exception {
        RestApi api = start(RestSettings.defaults());
        String big = "{\"kind\":\"X509\",\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}";

        HttpResponse<String> declared = send(api, "PUT", "/api/credentials/meter-1", "application/json", big);
        HttpResponse<String> chunked = http.send(request(api, "/api/credentials/meter-1").header("Authorization",
                "Bearer " + admin).header("Content-Type", "application/json").PUT(BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))).build(),
                BodyHandlers.ofString());

        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(error(chunked)).isEqualTo("the body is larger than 1048576 bytes");
        assertThat(inventory.credential("meter-1")).isEmpty();
    }

    // ---- event streams

    @Test
    @Timeout(30)
    void event_streams_past_the_cap_are_503_and_a_closed_one_frees_its_place() throws Exception {
        RestApi api = start(RestSettings.defaults().withMaxEventStreams(2));
        List<HttpResponse<Stream<String>>> open = new ArrayList<>();
        try {
            open.add(stream(api));
            open.add(stream(api));
            await().atMost(Duration.ofSeconds(10)).until(() -> api.eventStreamCount() == 2);

            HttpResponse<Stream<String>> third = stream(api);
            assertThat(third.statusCode()).isEqualTo(503);
            try (Stream<String> body = third.body()) {
                assertThat(String.join("", body.toList())).contains("already 2 event streams open");
            }

            open.remove(0).body().close();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                events.publish("collected", "meter-1", "probe"); // a closed stream is noticed when written to
                HttpResponse<Stream<String>> again = stream(api);
                if (again.statusCode() == 200) {
                    open.add(again);
                } else {
                    again.body().close();
                }
                assertThat(again.statusCode()).isEqualTo(200);
            });
        } finally {
            open.forEach(response -> response.body().close());
        }
    }

    // ---- verify

    @Test
    @Timeout(30)
    void thirty_parallel_verify_calls_share_one_challenge() throws Exception {
        RestApi api = start(RestSettings.defaults());
        List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            replies.add(http.sendAsync(request(api, "/api/devices/meter-1/verify").header("Authorization",
                    "Bearer " + admin).POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString()));
        }

        List<String> verdicts = Collections.synchronizedList(new ArrayList<>());
        for (CompletableFuture<HttpResponse<String>> reply : replies) {
            HttpResponse<String> response = reply.get(20, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            verdicts.add(json.readTree(response.body()).get("reason").asText());
        }

        assertThat(device.challenges).hasValue(1);
        assertThat(verdicts).hasSize(30).containsOnly("challenge 1");
    }

    // ---- helpers

    private RestApi start(RestSettings settings) {
        RestApi api = RestApi.start(settings.withAddress("127.0.0.1", 0), inventory, device, events);
        started.add(api);
        return api;
    }

    private static HttpRequest.Builder request(RestApi api, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .timeout(Duration.ofSeconds(20));
    }

    private HttpResponse<String> send(RestApi api, String method, String path, String contentType, String body)
            throws Exception {
        HttpRequest.Builder request = request(api, path).header("Authorization", "Bearer " + admin)
                .method(method, BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> preflight(RestApi api, String origin) throws Exception {
        return http.send(request(api, "/api/certifications").header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type")
                .method("OPTIONS", BodyPublishers.noBody()).build(), BodyHandlers.ofString());
    }

    private HttpResponse<Stream<String>> stream(RestApi api) throws Exception {
        return http.send(request(api, "/api/events").timeout(Duration.ofMinutes(1))
                .header("Authorization", "Bearer " + admin).header("Accept", "text/event-stream").build(),
                BodyHandlers.ofLines());
    }

    private String error(HttpResponse<String> reply) throws Exception {
        JsonNode error = json.readTree(reply.body()).get("error");
        return error == null ? null : error.asText();
    }

    /** A certification CSV of about this many bytes, made as it is read: the test never holds it whole. */
    private static InputStream csvOf(long bytes) {
        InputStream header = new ByteArrayInputStream(
                "manufacturer,model,software_version\n".getBytes(StandardCharsets.US_ASCII));
        InputStream rows = new InputStream() {
            private long sent;
            private byte[] line = new byte[0];
            private int position;

            @Override
            public int read() {
                if (position == line.length) {
                    if (sent >= bytes) {
                        return -1;
                    }
                    line = ("Acme,Meter," + sent + "\n").getBytes(StandardCharsets.US_ASCII);
                    position = 0;
                }
                sent++;
                return line[position++];
            }
        };
        return new SequenceInputStream(header, rows);
    }

    /** A device that answers a challenge after a second, counting the challenges it was asked for. */
    private static final class SlowDevice implements DeviceOperations {
        final AtomicInteger challenges = new AtomicInteger();

        @Override
        public CompletableFuture<Verification> verifyNow(String endpoint) {
            int challenge = challenges.incrementAndGet();
            Executor later = CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS);
            return CompletableFuture.supplyAsync(() -> new Verification(Instant.now(), VerificationOutcome.VERIFIED,
                    "challenge " + challenge, "sign", 0, (long) challenge, "{}"), later);
        }

        @Override
        public CompletableFuture<WriteOutcome> writeIdentity(String endpoint, int instanceId, int identityId,
                String value) {
            return CompletableFuture.completedFuture(new WriteOutcome("CHANGED", true, null));
        }
    }
}
