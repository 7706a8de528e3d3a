package io.github.lwm2mportfolio.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.collector.DeviceOperations;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.github.lwm2mportfolio.server.inventory.PortfolioSnapshot;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * Hostile REST requests against a running {@link RestApi} on an H2 inventory: any route, path parameters, query
 * parameters (device listing, cursors), content type and body (Identity writes, certification JSON and CSV,
 * credentials, token creation), sent with an admin token. Every answer is JSON with a 2xx or 4xx code, or the
 * gateway codes 502, 503 and 504 when the (scripted) device failed; never 500, which is what an exception escaping
 * a route gives. {@code mvn test} replays the seeds in {@code RestRequestFuzzTestInputs};
 * {@code JAZZER_FUZZ=1 mvn test -pl portfolio-server -am -Dsurefire.failIfNoSpecifiedTests=false
 * -Dtest=RestRequestFuzzTest} fuzzes for five minutes.
 */
class RestRequestFuzzTest {

    private static final String ADMIN = "fuzz-admin";
    private static final Instant COLLECTED = Instant.parse("2026-01-01T00:00:00Z");

    /** Method and path template; {} is a fuzzed path parameter. The event stream never ends: not here. */
    private static final List<String[]> ROUTES = List.of(
            new String[] { "GET", "/api/devices" },
            new String[] { "GET", "/api/devices/{}" },
            new String[] { "POST", "/api/devices/{}/verify" },
            new String[] { "PUT", "/api/devices/{}/portfolio/{}/identity/{}" },
            new String[] { "GET", "/api/certifications" },
            new String[] { "POST", "/api/certifications" },
            new String[] { "POST", "/api/certifications/unique-ids" },
            new String[] { "GET", "/api/tokens" },
            new String[] { "POST", "/api/tokens" },
            new String[] { "DELETE", "/api/tokens/{}" },
            new String[] { "GET", "/api/compliance" },
            new String[] { "GET", "/api/compliance/report.csv" },
            new String[] { "GET", "/api/credentials" },
            new String[] { "PUT", "/api/credentials/{}" },
            new String[] { "DELETE", "/api/credentials/{}" },
            new String[] { "PATCH", "/api/devices/{}" });
    private static final List<String> QUERY_NAMES = List.of("state", "q", "page", "size", "after", "limit");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "text/csv", "text/plain",
            "application/json; charset=utf-16", "");
    private static final List<String> DEVICE_CODES = List.of("CHANGED", "UNAUTHORIZED", "BAD_REQUEST", "NOT_FOUND",
            "INTERNAL_SERVER_ERROR");
    private static final Set<Integer> GATEWAY_CODES = Set.of(502, 503, 504);
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost");

    private static Path directory;
    private static JdbcInventory inventory;
    private static RestApi api;
    private static String adminToken;
    private static final FuzzedDevices DEVICES = new FuzzedDevices();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void startApi() throws Exception {
        directory = Files.createTempDirectory("rest-fuzz");
        inventory = JdbcInventory.open(JdbcInventory.h2Url(directory));
        inventory.replaceCertifications(
                new CertificationList(List.of(new Certification("Acme", "Meter", "1.0")), Set.of()));
        for (int i = 1; i <= 3; i++) {
            String endpoint = "meter-" + i;
            inventory.registered(endpoint, "1.1", true, COLLECTED);
            inventory.portfoliosCollected(endpoint, List.of(new PortfolioSnapshot(0,
                    new TreeMap<>(Map.of(0, "SN-" + i, 1, "Acme", 2, "Meter", 3, "1.0")), true)), true, COLLECTED);
        }
        api = RestApi.start("127.0.0.1", 0, inventory, DEVICES, new ServerEvents());
        adminToken = inventory.tokens().create(ADMIN, Role.ADMIN).secret();
    }

    @AfterAll
    static void stopApi() throws Exception {
        api.stop();
        inventory.close();
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @FuzzTest(maxDuration = "5m")
    void requests(FuzzedDataProvider data) throws Exception {
        // the test's own requests to the API are not the server side request forgery Jazzer looks for
        try (var allowed = BugDetectors.allowNetworkConnections((host, port) -> LOOPBACK.contains(host)
                && port == URI.create(api.uri()).getPort())) {
            send(data);
        }
    }

    private static void send(FuzzedDataProvider data) throws Exception {
        String[] route = data.pickValue(ROUTES);
        DEVICES.script(data.consumeInt(0, 5), data.pickValue(DEVICE_CODES));
        StringBuilder path = new StringBuilder();
        String[] parts = route[1].split("\\{}", -1);
        for (int i = 0; i < parts.length; i++) {
            path.append(parts[i]);
            if (i < parts.length - 1) {
                String parameter = data.consumeBoolean() ? "meter-" + data.consumeInt(0, 4) : data.consumeString(80);
                if (route[1].startsWith("/api/tokens/") && parameter.equals(ADMIN)) {
                    return; // revoking the token every request presents would end the run's coverage
                }
                path.append(encode(parameter));
            }
        }
        int queries = data.consumeInt(0, 4);
        for (int i = 0; i < queries; i++) {
            path.append(i == 0 ? '?' : '&').append(data.pickValue(QUERY_NAMES)).append('=')
                    .append(encode(data.consumeString(60)));
        }
        String contentType = data.pickValue(CONTENT_TYPES);
        byte[] body = data.consumeRemainingAsBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.uri() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + adminToken)
                .method(route[0], HttpRequest.BodyPublishers.ofByteArray(body));
        if (!contentType.isEmpty()) {
            request.header("Content-Type", contentType);
        }

        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());

        int status = response.statusCode();
        String what = route[0] + " " + path + " -> " + status + " " + response.body();
        assertThat(status).as(what).isNotEqualTo(500);
        assertThat(status < 500 || GATEWAY_CODES.contains(status)).as(what).isTrue();
        if (status >= 400) {
            assertThat(response.headers().firstValue("Content-Type").orElse("")).as(what)
                    .startsWith("application/json");
            JsonNode error = JSON.readTree(response.body());
            assertThat(error.path("error").asText()).as(what).isNotBlank();
        }
    }

    /** Percent-encodes every byte that is not unreserved, so that the fuzzed text reaches the server as it is. */
    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Devices that answer as the fuzzer says: a verdict, offline, a timeout or a Write answer. */
    private static final class FuzzedDevices implements DeviceOperations {
        private volatile int choice;
        private volatile String writeCode;

        void script(int choice, String writeCode) {
            this.choice = choice;
            this.writeCode = writeCode;
        }

        @Override
        public CompletableFuture<Verification> verifyNow(String endpoint) {
            return switch (choice) {
            case 0 -> CompletableFuture.failedFuture(new DeviceOfflineException(endpoint));
            case 1 -> CompletableFuture.failedFuture(new TimeoutException());
            default -> CompletableFuture.completedFuture(new Verification(Instant.now(), VerificationOutcome.FAILED,
                    "fuzzed", "sign", 0, null, null));
            };
        }

        @Override
        public CompletableFuture<WriteOutcome> writeIdentity(String endpoint, int instanceId, int identityId,
                String value) {
            return switch (choice) {
            case 0 -> CompletableFuture.failedFuture(new DeviceOfflineException(endpoint));
            case 1 -> CompletableFuture.failedFuture(new TimeoutException());
            default -> CompletableFuture.completedFuture(new WriteOutcome(writeCode, "CHANGED".equals(writeCode),
                    choice == 3 ? null : "device says no"));
            };
        }
    }
}
