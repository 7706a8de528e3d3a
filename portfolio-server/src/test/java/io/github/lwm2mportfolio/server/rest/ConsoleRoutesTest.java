package io.github.lwm2mportfolio.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.collector.DeviceOperations;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.github.lwm2mportfolio.server.inventory.Verification;

/** The web console's files, its one-time login and the activity of the last hour, over HTTP. */
class ConsoleRoutesTest {

    @TempDir
    Path databaseDir;

    private final ObjectMapper json = RestApi.objectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ServerEvents events = new ServerEvents();
    private JdbcInventory inventory;
    private RestApi api;

    @BeforeEach
    void start() {
        inventory = JdbcInventory.open(JdbcInventory.h2Url(databaseDir));
        api = RestApi.start(RestSettings.defaults().withAddress("127.0.0.1", 0), inventory, new NoDevices(), events);
    }

    @AfterEach
    void stop() {
        api.stop();
        inventory.close();
    }

    @Test
    void the_console_is_served_at_the_root_without_a_token_and_its_scripts_as_javascript() throws Exception {
        HttpResponse<String> page = send("GET", "/", null, null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/html"));
        assertThat(page.body()).contains("<script type=\"module\" src=\"js/app.js\">");

        HttpResponse<String> script = send("GET", "/js/app.js", null, null, null);
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .contains("javascript")); // browsers refuse a module of any other type
    }

    @Test
    void the_console_the_api_and_their_errors_carry_the_browser_protections() throws Exception {
        String admin = inventory.tokens().create("root", Role.ADMIN).secret();
        for (HttpResponse<String> reply : List.of(send("GET", "/", null, null, null),
                send("GET", "/js/app.js", null, null, null), send("GET", "/console.css", null, null, null),
                send("GET", "/api/devices", admin, null, null), send("GET", "/api/devices", null, null, null),
                send("GET", "/no-such-page", null, null, null), send("GET", "/health/live", null, null, null))) {
            String what = reply.request().uri().getPath() + " " + reply.statusCode();
            assertThat(reply.headers().firstValue("Content-Security-Policy")).as(what)
                    .hasValueSatisfying(csp -> assertThat(csp).startsWith("default-src 'self';")
                            .contains("frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval"));
            assertThat(reply.headers().firstValue("X-Frame-Options")).as(what).hasValue("DENY");
            assertThat(reply.headers().firstValue("X-Content-Type-Options")).as(what).hasValue("nosniff");
            assertThat(reply.headers().firstValue("Referrer-Policy")).as(what).hasValue("no-referrer");
        }
    }

    @Test
    void the_console_page_has_no_inline_script_or_style_that_its_policy_would_block() throws Exception {
        String page = send("GET", "/", null, null, null).body();

        assertThat(page).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContain("<style", "style=",
                " onclick=", " onload=", "javascript:");
    }

    @Test
    void a_login_link_logs_in_once_with_the_console_token_and_the_next_link_replaces_it() throws Exception {
        String link = api.consoleLoginLink();
        assertThat(link).startsWith(api.uri() + "/#login=");
        String code = link.substring(link.indexOf("#login=") + 7);

        HttpResponse<String> login = login(code);

        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.headers().firstValue("Cache-Control")).hasValue("no-store");
        String token = json.readTree(login.body()).get("token").asText();
        assertThat(send("GET", "/api/devices", token, null, null).statusCode()).isEqualTo(200);
        assertThat(inventory.tokens().list()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("console");
            assertThat(t.role()).isEqualTo(Role.ADMIN);
        });

        HttpResponse<String> again = login(code);
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(json.readTree(again.body()).get("error").asText()).contains("used already");

        String next = api.consoleLoginLink();
        assertThat(login(next.substring(next.indexOf("#login=") + 7)).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/devices", token, null, null).statusCode()).as("the first console token")
                .isEqualTo(401);
        assertThat(inventory.tokens().list()).hasSize(1);
    }

    @Test
    void a_made_up_code_is_401_and_a_missing_or_malformed_one_400_and_none_logs_anybody_in() throws Exception {
        api.consoleLoginLink();

        HttpResponse<String> madeUp = login("A".repeat(32));
        assertThat(madeUp.statusCode()).isEqualTo(401);
        assertThat(json.readTree(madeUp.body()).get("error").asText()).contains("was never issued");
        for (String body : List.of("{}", "{\"code\": 5}", "{\"code\": \" \"}", "{\"code\": \"not a code\"}",
                "{\"code\": null}")) {
            HttpResponse<String> missing = send("POST", "/console/login", null, "application/json", body);
            assertThat(missing.statusCode()).as(body).isEqualTo(400);
            assertThat(json.readTree(missing.body()).get("error").asText()).as(body)
                    .startsWith("no login code in the request");
        }
        assertThat(send("POST", "/console/login", null, "application/json", "not json").statusCode())
                .isEqualTo(400);
        assertThat(send("POST", "/console/login", null, "text/plain", "{\"code\":\"x\"}").statusCode())
                .isEqualTo(415);
        assertThat(inventory.tokens().list()).isEmpty();
    }

    @Test
    void the_activity_counts_registrations_and_verdicts_of_the_last_hour_for_any_token() throws Exception {
        String viewer = inventory.tokens().create("screen", Role.VIEWER).secret();
        events.publish("registered", "meter-1", "LwM2M 1.1");
        events.publish("registered", "meter-2", "LwM2M 1.1");
        events.publish("verdict", "meter-1", "VERIFIED: fine");
        events.publish("collected", "meter-1", "2 Portfolio instances");

        assertThat(send("GET", "/api/activity", null, null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> reply = send("GET", "/api/activity", viewer, null, null);

        assertThat(reply.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(reply.body());
        assertThat(body.get("registrations").asLong()).isEqualTo(2);
        assertThat(body.get("verdicts").asLong()).isEqualTo(1);
        assertThat(body.get("minutes")).hasSize(60);
        JsonNode now = body.get("minutes").get(59);
        assertThat(now.get("registrations").asLong() + body.get("minutes").get(58).get("registrations").asLong())
                .isEqualTo(2); // the events' minute, or the one before if a minute turned since
    }

    private HttpResponse<String> login(String code) throws Exception {
        return send("POST", "/console/login", null, "application/json",
                json.writeValueAsString(java.util.Map.of("code", code)));
    }

    private HttpResponse<String> send(String method, String path, String token, String contentType, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.uri() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), BodyHandlers.ofString());
    }

    /** The console's routes never reach a device. */
    private static final class NoDevices implements DeviceOperations {
        @Override
        public CompletableFuture<Verification> verifyNow(String endpoint) {
            throw new AssertionError("no device call expected");
        }

        @Override
        public CompletableFuture<WriteOutcome> writeIdentity(String endpoint, int instanceId, int identityId,
                String value) {
            throw new AssertionError("no device call expected");
        }
    }
}
