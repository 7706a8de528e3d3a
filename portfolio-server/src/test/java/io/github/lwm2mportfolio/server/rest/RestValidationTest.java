package io.github.lwm2mportfolio.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.collector.DeviceOperations;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.github.lwm2mportfolio.server.inventory.Verification;

/** Hostile names and keys through REST: 400 with a reason, nothing stored, no 500, no SQL in the log. */
class RestValidationTest {

    private static final String KEY_16 = "00112233445566778899aabbccddeeff";

    @TempDir
    Path databaseDir;

    private final ObjectMapper json = RestApi.objectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private JdbcInventory inventory;
    private RestApi api;
    private String admin;

    @BeforeEach
    void start() {
        inventory = JdbcInventory.open(JdbcInventory.h2Url(databaseDir));
        inventory.registered("meter-1", "1.1", true, Instant.now());
        api = RestApi.start("127.0.0.1", 0, inventory, new NoDevices(), new ServerEvents());
        admin = inventory.tokens().create("root", Role.ADMIN).secret();
    }

    @AfterEach
    void stop() {
        api.stop();
        inventory.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "esc%1B%5B31m|control characters (found U+001B)", "line%0Abreak|control characters (found U+000A)",
            "bad%FFbyte|valid UTF-8 text (found U+FFFD", "%3Cscript%3Ealert(1)%3C%2Fscript%3E|must not hold <",
            "..%5Cwindows|must not hold \\", "%20%20|must not be blank" })
    void a_hostile_endpoint_name_is_400_with_the_reason_and_nothing_is_stored(String encoded, String reason)
            throws Exception {
        HttpResponse<String> put = send("PUT", "/api/credentials/" + encoded, "{\"kind\":\"X509\"}");
        HttpResponse<String> get = send("GET", "/api/devices/" + encoded, null);

        assertThat(put.statusCode()).as(put.body()).isEqualTo(400);
        assertThat(error(put)).startsWith("the endpoint name ").contains(reason);
        assertThat(get.statusCode()).isEqualTo(400);
        assertThat(inventory.credentials()).isEmpty();
    }

    /** A NUL in the path Jetty itself refuses, as JSON too. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "..%2F..%2Fetc|the endpoint name must not hold /",
            "nul%00name|the request was refused" })
    void a_path_up_the_tree_or_with_nul_is_400(String encoded, String reason) throws Exception {
        HttpResponse<String> reply = send("PUT", "/api/credentials/" + encoded, "{\"kind\":\"X509\"}");

        assertThat(reply.statusCode()).isEqualTo(400);
        assertThat(error(reply)).startsWith(reason);
        assertThat(inventory.credentials()).isEmpty();
    }

    @Test
    void a_psk_identity_over_128_bytes_is_400_not_a_database_failure() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        HttpResponse<String> reply;
        try {
            reply = send("PUT", "/api/credentials/meter-1",
                    "{\"kind\":\"PSK\",\"pskIdentity\":\"" + "i".repeat(1025) + "\",\"pskKeyHex\":\"" + KEY_16 + "\"}");
        } finally {
            System.setErr(original);
        }

        assertThat(reply.statusCode()).isEqualTo(400);
        assertThat(error(reply)).isEqualTo("the PSK identity must be at most 128 bytes of UTF-8, got 1025");
        assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain("INSERT", "UPDATE", "SQL", KEY_16);
        assertThat(inventory.credentials()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({ "00, 1", "00112233445566778899aabbccddee, 15", "'', 0" })
    void a_key_shorter_than_16_bytes_is_400(String hex, int length) throws Exception {
        HttpResponse<String> reply = send("PUT", "/api/credentials/meter-1",
                "{\"kind\":\"PSK\",\"pskIdentity\":\"id\",\"pskKeyHex\":\"" + hex + "\"}");

        assertThat(reply.statusCode()).isEqualTo(400);
        assertThat(error(reply)).isIn("a pre-shared key must be 16 to 64 bytes (32 to 128 hex digits), got " + length,
                "pskKeyHex is required");
        assertThat(inventory.credentials()).isEmpty();
    }

    @Test
    void a_key_longer_than_64_bytes_is_400_and_16_and_64_bytes_are_taken() throws Exception {
        HttpResponse<String> tooLong = send("PUT", "/api/credentials/meter-1",
                "{\"kind\":\"PSK\",\"pskIdentity\":\"id\",\"pskKeyHex\":\"" + "ab".repeat(65) + "\"}");
        HttpResponse<String> shortest = send("PUT", "/api/credentials/meter-1",
                "{\"kind\":\"PSK\",\"pskIdentity\":\"id-1\",\"pskKeyHex\":\"" + KEY_16 + "\"}");
        HttpResponse<String> longest = send("PUT", "/api/credentials/meter-2",
                "{\"kind\":\"PSK\",\"pskIdentity\":\"id-2\",\"pskKeyHex\":\"" + "ab".repeat(64) + "\"}");

        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(error(tooLong)).endsWith("got 65");
        assertThat(shortest.statusCode()).isEqualTo(200);
        assertThat(longest.statusCode()).isEqualTo(200);
    }

    @Test
    void a_psk_identity_with_control_characters_is_400() throws Exception {
        HttpResponse<String> reply = send("PUT", "/api/credentials/meter-1",
                "{\"kind\":\"PSK\",\"pskIdentity\":\"id\\u0000x\",\"pskKeyHex\":\"" + KEY_16 + "\"}");

        assertThat(reply.statusCode()).isEqualTo(400);
        assertThat(error(reply)).isEqualTo("the PSK identity must not hold control characters (found U+0000)");
    }

    @Test
    void a_database_failure_is_500_and_its_log_line_holds_no_statement() throws Exception {
        inventory.close(); // every query now fails in the pool
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        HttpResponse<String> reply;
        try {
            reply = send("GET", "/api/devices?q=secret-search", null);
        } finally {
            System.setErr(original);
        }

        assertThat(reply.statusCode()).isEqualTo(500);
        assertThat(error(reply)).isEqualTo("internal error");
        String logged = log.toString(StandardCharsets.UTF_8);
        assertThat(logged).contains("failed in the database: SQLState").doesNotContain("SELECT", "\tat ");
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + admin)
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), BodyHandlers.ofString());
    }

    private String error(HttpResponse<String> reply) throws Exception {
        return json.readTree(reply.body()).path("error").asText(null);
    }

    private static final class NoDevices implements DeviceOperations {
        @Override
        public CompletableFuture<Verification> verifyNow(String endpoint) {
            return CompletableFuture.failedFuture(new DeviceOfflineException(endpoint));
        }

        @Override
        public CompletableFuture<WriteOutcome> writeIdentity(String endpoint, int instanceId, int identityId,
                String value) {
            return CompletableFuture.failedFuture(new DeviceOfflineException(endpoint));
        }
    }
}
