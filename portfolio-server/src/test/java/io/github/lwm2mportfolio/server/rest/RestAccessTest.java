package io.github.lwm2mportfolio.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.access.TokenSecrets;
import io.github.lwm2mportfolio.server.collector.DeviceOperations;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.inventory.DeviceCredential;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/** Who may do what on the REST API: tokens, roles, 401/403/429, and the token routes themselves. */
class RestAccessTest {

    private static final int FAILED_LOGIN_LIMIT = 5;

    @TempDir
    Path databaseDir;

    private final ObjectMapper json = RestApi.objectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger verifications = new AtomicInteger();
    private JdbcInventory inventory;
    private RestApi api;
    private String admin;
    private String operator;
    private String viewer;

    @BeforeEach
    void start() {
        inventory = JdbcInventory.open(JdbcInventory.h2Url(databaseDir));
        inventory.registered("meter-1", "1.1", true, Instant.now());
        inventory.replaceCertifications(
                new CertificationList(List.of(new Certification("Acme", "Meter", "1.0")), Set.of()));
        api = RestApi.start(RestSettings.defaults().withAddress("127.0.0.1", 0)
                .withFailedLogins(FAILED_LOGIN_LIMIT, Duration.ofMinutes(1)), inventory, new Devices(),
                new ServerEvents(), HealthChecks.NONE, () -> "portfolio_up 1\n");
        admin = inventory.tokens().create("root", Role.ADMIN).secret();
        operator = inventory.tokens().create("ops", Role.OPERATOR).secret();
        viewer = inventory.tokens().create("screen", Role.VIEWER).secret();
    }

    @AfterEach
    void stop() {
        api.stop();
        inventory.close();
    }

    @Test
    void every_route_of_the_openapi_description_is_401_in_json_without_a_token() throws Exception {
        JsonNode paths = json.readTree(send("GET", "/api/openapi.json", viewer, null, null).body()).get("paths");
        List<String> checked = new ArrayList<>();
        List<String> open = new ArrayList<>();
        paths.fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            JsonNode security = path.getValue().get(method).get("security");
            if (security != null && security.isEmpty()) { // documented as open: HealthTest covers them
                open.add(method + " " + path.getKey());
                return;
            }
            String concrete = path.getKey().replace("{endpoint}", "meter-1").replace("{n}", "0")
                    .replace("{i}", "0").replace("{name}", "ops");
            try {
                HttpResponse<String> reply = send(method.toUpperCase(), concrete, null, "application/json", "{}");
                assertThat(reply.statusCode()).as(method + " " + concrete).isEqualTo(401);
                assertThat(reply.headers().firstValue("WWW-Authenticate")).as(method + " " + concrete)
                        .hasValue("Bearer realm=\"portfolio\"");
                assertThat(json.readTree(reply.body()).get("error").asText()).contains("API token is required");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            checked.add(method + " " + concrete);
        }));

        assertThat(checked).hasSizeGreaterThanOrEqualTo(17);
        assertThat(open).containsExactlyInAnyOrder("get /health/live", "get /health/ready");
        assertThat(verifications).hasValue(0);
        assertThat(inventory.tokens().list()).hasSize(3);
    }

    @Test
    void a_wrong_token_or_another_scheme_is_401() throws Exception {
        String unknown = TokenSecrets.newToken();

        assertThat(send("GET", "/api/devices", unknown, null, null).statusCode()).isEqualTo(401);
        assertThat(json.readTree(send("GET", "/api/devices", unknown, null, null).body()).get("error").asText())
                .isEqualTo("the API token is not valid (revoked, or never issued)");
        assertThat(sendWithAuthorization("GET", "/api/devices", "Basic YWRtaW46YWRtaW4=").statusCode())
                .isEqualTo(401);
        assertThat(sendWithAuthorization("GET", "/api/devices", "Bearer " + admin.substring(1)).statusCode())
                .isEqualTo(401);
        assertThat(sendWithAuthorization("GET", "/api/devices", "bearer " + admin).statusCode()).isEqualTo(200);
    }

    @Test
    void a_viewer_reads_but_may_not_verify_write_or_manage() throws Exception {
        assertThat(send("GET", "/api/devices", viewer, null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/compliance", viewer, null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/certifications", viewer, null, null).statusCode()).isEqualTo(200);

        HttpResponse<String> verify = send("POST", "/api/devices/meter-1/verify", viewer, null, null);
        assertThat(verify.statusCode()).isEqualTo(403);
        assertThat(json.readTree(verify.body()).get("error").asText())
                .isEqualTo("this needs the operator role; token 'screen' has viewer");
        assertThat(send("PUT", "/api/devices/meter-1/portfolio/0/identity/3", viewer, "application/json",
                "{\"value\":\"2.0\"}").statusCode()).isEqualTo(403);
        assertThat(send("PUT", "/api/credentials/meter-1", viewer, "application/json", "{\"kind\":\"X509\"}")
                .statusCode()).isEqualTo(403);
        assertThat(send("GET", "/api/tokens", viewer, null, null).statusCode()).isEqualTo(403);
        assertThat(verifications).hasValue(0);
        assertThat(inventory.credential("meter-1")).isEmpty();
    }

    @Test
    void an_operator_verifies_but_may_not_manage_certifications_credentials_or_tokens() throws Exception {
        assertThat(send("POST", "/api/devices/meter-1/verify", operator, null, null).statusCode()).isEqualTo(200);
        assertThat(verifications).hasValue(1);

        HttpResponse<String> certifications = send("POST", "/api/certifications", operator, "text/csv",
                "manufacturer,model,software_version\nX,Y,Z\n");
        assertThat(certifications.statusCode()).isEqualTo(403);
        assertThat(json.readTree(certifications.body()).get("error").asText())
                .isEqualTo("this needs the admin role; token 'ops' has operator");
        assertThat(send("DELETE", "/api/tokens/screen", operator, null, null).statusCode()).isEqualTo(403);
        assertThat(inventory.certifications().records()).containsExactly(new Certification("Acme", "Meter", "1.0"));
        assertThat(inventory.tokens().list()).hasSize(3);
    }

    @Test
    void an_admin_does_everything() throws Exception {
        assertThat(send("PUT", "/api/certifications", admin, "text/csv",
                "manufacturer,model,software_version\nX,Y,Z\n").statusCode()).isEqualTo(200);
        assertThat(send("PUT", "/api/credentials/meter-1", admin, "application/json", "{\"kind\":\"X509\"}")
                .statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/devices/meter-1/verify", admin, null, null).statusCode()).isEqualTo(200);

        assertThat(inventory.certifications().records()).containsExactly(new Certification("X", "Y", "Z"));
        assertThat(inventory.credential("meter-1").map(DeviceCredential::kind)).hasValue(DeviceCredential.Kind.X509);
    }

    @Test
    void a_token_made_through_the_api_is_shown_once_works_with_its_role_and_stops_working_when_revoked()
            throws Exception {
        HttpResponse<String> created = send("POST", "/api/tokens", admin, "application/json",
                "{\"name\":\"ci-reader\",\"role\":\"viewer\"}");

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = json.readTree(created.body());
        String token = body.get("token").asText();
        assertThat(token).startsWith("pft_").hasSize(47);
        assertThat(body.get("name").asText()).isEqualTo("ci-reader");
        assertThat(body.get("role").asText()).isEqualTo("viewer");
        String list = send("GET", "/api/tokens", admin, null, null).body();
        assertThat(json.readTree(list).size()).isEqualTo(4);
        assertThat(list).contains("\"ci-reader\"").doesNotContain(token, "pft_", "hash");
        assertThat(send("GET", "/api/devices", token, null, null).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/devices/meter-1/verify", token, null, null).statusCode()).isEqualTo(403);

        assertThat(send("DELETE", "/api/tokens/ci-reader", admin, null, null).statusCode()).isEqualTo(204);

        assertThat(send("GET", "/api/devices", token, null, null).statusCode()).isEqualTo(401);
        assertThat(send("DELETE", "/api/tokens/ci-reader", admin, null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void the_last_admin_token_cannot_be_revoked_the_console_session_not_counting_as_one() throws Exception {
        inventory.tokens().create(ConsoleLogins.SESSION_TOKEN, Role.ADMIN);

        HttpResponse<String> refused = send("DELETE", "/api/tokens/root", admin, null, null);

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(json.readTree(refused.body()).get("error").asText())
                .contains("'root' is the last admin token", "create another admin token first");
        assertThat(send("GET", "/api/tokens", admin, null, null).statusCode()).isEqualTo(200);

        HttpResponse<String> created = send("POST", "/api/tokens", admin, "application/json",
                "{\"name\":\"root2\",\"role\":\"admin\"}");
        String second = json.readTree(created.body()).get("token").asText();

        assertThat(send("DELETE", "/api/tokens/root", second, null, null).statusCode()).isEqualTo(204);
        assertThat(send("DELETE", "/api/tokens/root2", second, null, null).statusCode()).isEqualTo(409);
        assertThat(inventory.tokens().list()).extracting(t -> t.name()).contains("root2", "console");
    }

    @Test
    void a_bad_or_taken_token_name_or_an_unknown_role_is_refused() throws Exception {
        HttpResponse<String> taken = send("POST", "/api/tokens", admin, "application/json",
                "{\"name\":\"ops\",\"role\":\"admin\"}");
        HttpResponse<String> badName = send("POST", "/api/tokens", admin, "application/json",
                "{\"name\":\"a b/c\",\"role\":\"viewer\"}");
        HttpResponse<String> badRole = send("POST", "/api/tokens", admin, "application/json",
                "{\"name\":\"x\",\"role\":\"root\"}");

        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(json.readTree(taken.body()).get("error").asText()).contains("'ops' exists already");
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(json.readTree(badName.body()).get("error").asText()).startsWith("a token name is 1 to 64");
        assertThat(badRole.statusCode()).isEqualTo(400);
        assertThat(json.readTree(badRole.body()).get("error").asText())
                .isEqualTo("the role must be one of [viewer, operator, admin], got 'root'");
        assertThat(inventory.tokens().list()).hasSize(3);
        assertThat(inventory.tokens().authenticate(operator).orElseThrow().role()).isEqualTo(Role.OPERATOR);
    }

    @Test
    void the_database_keeps_a_hash_of_each_token_never_the_token() throws Exception {
        try (var connection = java.sql.DriverManager.getConnection(JdbcInventory.h2Url(databaseDir));
                var rows = connection.createStatement().executeQuery("SELECT * FROM api_tokens")) {
            StringBuilder everything = new StringBuilder();
            while (rows.next()) {
                for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
                    Object value = rows.getObject(column);
                    everything.append(value instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1)
                            : String.valueOf(value)).append('|');
                }
            }
            assertThat(everything).contains("root", "ops", "screen");
            for (String token : List.of(admin, operator, viewer)) {
                assertThat(everything.toString()).doesNotContain(token, token.substring(TokenSecrets.PREFIX.length()));
            }
        }
    }

    @Test
    void an_address_that_sent_too_many_wrong_tokens_gets_429_even_with_a_right_one() throws Exception {
        for (int i = 0; i < FAILED_LOGIN_LIMIT; i++) {
            assertThat(send("GET", "/api/devices", TokenSecrets.newToken(), null, null).statusCode()).isEqualTo(401);
        }

        HttpResponse<String> refused = send("GET", "/api/devices", admin, null, null);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("60");
        assertThat(json.readTree(refused.body()).get("error").asText()).startsWith("too many wrong tokens from ");
    }

    @Test
    void requests_without_any_token_do_not_count_as_guesses() throws Exception {
        for (int i = 0; i < FAILED_LOGIN_LIMIT * 2; i++) {
            assertThat(send("GET", "/api/devices", null, null, null).statusCode()).isEqualTo(401);
        }

        assertThat(send("GET", "/api/devices", admin, null, null).statusCode()).isEqualTo(200);
    }

    // ---- helpers

    private HttpResponse<String> send(String method, String path, String token, String contentType, String body)
            throws Exception {
        return sendWithAuthorization(method, path, token == null ? null : "Bearer " + token, contentType, body);
    }

    private HttpResponse<String> sendWithAuthorization(String method, String path, String authorization)
            throws Exception {
        return sendWithAuthorization(method, path, authorization, null, null);
    }

    private HttpResponse<String> sendWithAuthorization(String method, String path, String authorization,
            String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (path.equals("/api/events")) {
            request.header("Accept", "text/event-stream");
        }
        return http.send(request.build(), BodyHandlers.ofString());
    }

    /** Verifies at once and counts; writes succeed. */
    private final class Devices implements DeviceOperations {
        @Override
        public CompletableFuture<Verification> verifyNow(String endpoint) {
            verifications.incrementAndGet();
            return CompletableFuture.completedFuture(new Verification(Instant.now(), VerificationOutcome.VERIFIED,
                    "scripted", "sign", 0, 1L, "{}"));
        }

        @Override
        public CompletableFuture<WriteOutcome> writeIdentity(String endpoint, int instanceId, int identityId,
                String value) {
            return CompletableFuture.completedFuture(new WriteOutcome("CHANGED", true, null));
        }
    }
}
