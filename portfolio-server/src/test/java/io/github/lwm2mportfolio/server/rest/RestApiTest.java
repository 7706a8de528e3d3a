package io.github.lwm2mportfolio.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.eclipse.leshan.core.request.exception.RequestCanceledException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.collector.DeviceOperations;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.inventory.DeviceCredential;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.github.lwm2mportfolio.server.inventory.PortfolioSnapshot;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

class RestApiTest {

    private static final Instant COLLECTED = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);

    @TempDir
    Path databaseDir;

    private final ScriptedDevices devices = new ScriptedDevices();
    private final ServerEvents events = new ServerEvents();
    private final ObjectMapper json = RestApi.objectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private JdbcInventory inventory;
    private RestApi api;
    /** The token {@link #send} presents: admin unless a test says otherwise; null sends none. */
    private String token;

    /**
     * A fleet of four, one per state: meter-1 COMPLIANT, meter-2 UNCERTIFIED (software 2.0 is not certified),
     * meter-3 UNVERIFIED (never challenged), sensor-4 NO_PORTFOLIO.
     */
    @BeforeEach
    void startApiOnAFleetOfFour() {
        inventory = JdbcInventory.open(JdbcInventory.h2Url(databaseDir));
        inventory.replaceCertifications(
                new CertificationList(List.of(new Certification("Acme", "Meter", "1.0")), Set.of()));
        hostDevice("meter-1", "SN-1", "1.0");
        inventory.verificationRecorded("meter-1", new Verification(COLLECTED.plusSeconds(1),
                VerificationOutcome.VERIFIED, "all AuthData verified", "sign", 0, 1L,
                "{\"manufacturer\":\"Acme\",\"counter\":1}"));
        hostDevice("meter-2", "SN-2", "2.0");
        hostDevice("meter-3", "SN-3", "1.0");
        inventory.registered("sensor-4", "1.1", false, COLLECTED);
        api = RestApi.start("127.0.0.1", 0, inventory, devices, events);
        token = inventory.tokens().create("test-admin", Role.ADMIN).secret();
    }

    private void hostDevice(String endpoint, String uniqueId, String softwareVersion) {
        inventory.registered(endpoint, "1.1", true, COLLECTED);
        inventory.portfoliosCollected(endpoint, List.of(new PortfolioSnapshot(0,
                new TreeMap<>(Map.of(0, uniqueId, 1, "Acme", 2, "Meter", 3, softwareVersion)), true)), true,
                COLLECTED);
    }

    @AfterEach
    void stop() {
        api.stop();
        inventory.close();
    }

    // ---- the fleet list

    @Test
    void the_fleet_list_has_every_device_with_page_size_and_total() throws Exception {
        Reply reply = get("/api/devices");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        JsonNode body = reply.json();
        assertThat(body.get("page").asInt()).isZero();
        assertThat(body.get("size").asInt()).isEqualTo(50);
        assertThat(body.get("total").asLong()).isEqualTo(4);
        assertThat(endpoints(body.get("items"))).containsExactlyInAnyOrder("meter-1", "meter-2", "meter-3",
                "sensor-4");
        JsonNode meter1 = item(body, "meter-1");
        assertThat(meter1.get("state").asText()).isEqualTo("COMPLIANT");
        assertThat(meter1.get("host").get("manufacturer").asText()).isEqualTo("Acme");
        assertThat(meter1.get("lastVerification").get("outcome").asText()).isEqualTo("VERIFIED");
        // The claims are a JSON object, not JSON inside a string.
        assertThat(meter1.get("lastVerification").get("claims").isObject()).isTrue();
        assertThat(meter1.get("lastVerification").get("claims").get("counter").asLong()).isEqualTo(1);
        assertThat(meter1.get("lastVerification").has("claimsJson")).isFalse();
        assertThat(Instant.parse(meter1.get("registeredAt").asText())).isEqualTo(COLLECTED);
    }

    @Test
    void the_fleet_list_filters_by_state_and_by_text() throws Exception {
        assertThat(endpoints(get("/api/devices?state=UNCERTIFIED").json().get("items"))).containsExactly("meter-2");
        assertThat(endpoints(get("/api/devices?state=no_portfolio").json().get("items"))).containsExactly("sensor-4");
        assertThat(endpoints(get("/api/devices?q=sn-3").json().get("items"))).containsExactly("meter-3");
    }

    @Test
    void the_fleet_list_comes_in_pages_of_the_asked_size() throws Exception {
        JsonNode first = get("/api/devices?size=3").json();
        JsonNode second = get("/api/devices?size=3&page=1").json();

        assertThat(first.get("items")).hasSize(3);
        assertThat(second.get("items")).hasSize(1);
        assertThat(second.get("page").asInt()).isEqualTo(1);
        assertThat(second.get("total").asLong()).isEqualTo(4);
        List<String> all = new ArrayList<>(endpoints(first.get("items")));
        all.addAll(endpoints(second.get("items")));
        assertThat(all).containsExactlyInAnyOrder("meter-1", "meter-2", "meter-3", "sensor-4");
    }

    @ParameterizedTest
    @CsvSource({ "state=BROKEN, state must be one of", "page=-1, page must be 0 or more",
            "page=two, page must be an integer", "size=0, size must be 1 to 1000",
            "size=1001, size must be 1 to 1000" })
    void a_bad_list_parameter_is_400_with_the_reason(String query, String reason) throws Exception {
        Reply reply = get("/api/devices?" + query);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).startsWith(reason);
    }

    @Test
    void the_fleet_list_by_cursor_gives_every_device_once_in_order() throws Exception {
        // a cursor is an endpoint, sent URL-encoded: one with a space, an ampersand and a non-ASCII letter
        inventory.registered("meter-2 b&ü", "1.1", false, COLLECTED);
        List<String> all = List.of("meter-1", "meter-2", "meter-2 b&ü", "meter-3", "sensor-4");

        for (int limit : List.of(1, 2, 5, 50)) {
            assertThat(walk("", limit)).as("limit " + limit).isEqualTo(all);
        }
        assertThat(walk("&state=NO_PORTFOLIO", 1)).containsExactly("meter-2 b&ü", "sensor-4");
        assertThat(walk("&q=meter-2", 1)).containsExactly("meter-2", "meter-2 b&ü");
        assertThat(walk("&state=no_portfolio&q=2", 1)).containsExactly("meter-2 b&ü");
    }

    @Test
    void a_page_by_cursor_has_its_limit_the_next_cursor_and_the_total_when_asked() throws Exception {
        JsonNode first = get("/api/devices?limit=2&total=true").json();
        assertThat(endpoints(first.get("items"))).containsExactly("meter-1", "meter-2");
        assertThat(first.get("limit").asInt()).isEqualTo(2);
        assertThat(first.get("next").asText()).isEqualTo("meter-2");
        assertThat(first.get("total").asLong()).isEqualTo(4);

        JsonNode last = get("/api/devices?after=meter-2&limit=2").json();
        assertThat(endpoints(last.get("items"))).containsExactly("meter-3", "sensor-4");
        assertThat(last.get("next").isNull()).isTrue();
        assertThat(last.get("total").isNull()).isTrue();
        assertThat(last.has("page")).isFalse();

        JsonNode fromTheStart = get("/api/devices?after=").json();
        assertThat(fromTheStart.get("limit").asInt()).isEqualTo(50);
        assertThat(fromTheStart.get("items")).hasSize(4);
        assertThat(fromTheStart.get("next").isNull()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "limit=0| limit must be 1 to 1000, got 0",
        "limit=1001| limit must be 1 to 1000, got 1001", "limit=ten| limit must be an integer",
        "after=meter-1&page=1| page and size page by offset; after, limit, sort and order page by cursor",
        "limit=5&size=5| page and size page by offset; after, limit, sort and order page by cursor",
        "sort=model&page=0| page and size page by offset; after, limit, sort and order page by cursor",
        "sort=colour| sort must be one of endpoint, manufacturer, model, softwareVersion, uniqueId, lastSeen, "
            + "online, verdict, got 'colour'",
        "order=sideways| order must be asc or desc, got 'sideways'",
        "sort=model&after=meter-1| after is not a cursor of the order sort=model",
        "sort=lastSeen&after=WyJ4IiwibSJd| after is not a cursor of the order sort=lastSeen",
        "limit=5&total=maybe| total must be true or false, got 'maybe'",
        "limit=5&state=BROKEN| state must be one of" })
    void a_bad_cursor_parameter_is_400_with_the_reason(String query, String reason) throws Exception {
        Reply reply = get("/api/devices?" + query);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).startsWith(reason);
    }

    @Test
    void a_cursor_longer_than_any_endpoint_is_400() throws Exception {
        Reply reply = get("/api/devices?after=" + "m".repeat(1025));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo("after must be at most 1024 characters (the longest endpoint), got 1025");
        assertThat(get("/api/devices?after=" + "m".repeat(1024)).status()).isEqualTo(200);
    }

    @Test
    void the_fleet_list_sorted_by_a_column_pages_the_whole_list_by_its_cursor() throws Exception {
        // software versions: meter-1 1.0, meter-2 2.0, meter-3 1.0, sensor-4 none (last going up, first down)
        assertThat(walkSorted("softwareVersion", "asc")).containsExactly("meter-1", "meter-3", "meter-2",
                "sensor-4");
        assertThat(walkSorted("softwareVersion", "desc")).containsExactly("sensor-4", "meter-2", "meter-3",
                "meter-1");
        assertThat(walkSorted("endpoint", "desc")).containsExactly("sensor-4", "meter-3", "meter-2", "meter-1");
        JsonNode page = get("/api/devices?sort=uniqueId&limit=1").json();
        assertThat(endpoints(page.get("items"))).containsExactly("meter-1");
        assertThat(page.get("next").asText()).isNotEqualTo("meter-1"); // an opaque cursor, not an endpoint
    }

    /** The endpoints in the order sort/order, one device a page, following each page's next. */
    private List<String> walkSorted(String sort, String order) throws Exception {
        List<String> seen = new ArrayList<>();
        String after = "";
        for (int pages = 0; pages < 100; pages++) {
            Reply reply = get("/api/devices?limit=1&sort=" + sort + "&order=" + order + "&after="
                    + URLEncoder.encode(after, StandardCharsets.UTF_8));
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            JsonNode page = reply.json();
            seen.addAll(endpoints(page.get("items")));
            if (page.get("next").isNull()) {
                return seen;
            }
            after = page.get("next").asText();
        }
        throw new AssertionError("the cursor never reached the end");
    }

    /** Every endpoint of the list, following the next cursor from the start; each page checked. */
    private List<String> walk(String filters, int limit) throws Exception {
        List<String> seen = new ArrayList<>();
        String after = "";
        for (int pages = 0; pages < 100; pages++) {
            Reply reply = get("/api/devices?limit=" + limit + "&after="
                    + URLEncoder.encode(after, StandardCharsets.UTF_8) + filters);
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            JsonNode page = reply.json();
            assertThat(page.get("items").size()).isLessThanOrEqualTo(limit);
            seen.addAll(endpoints(page.get("items")));
            if (page.get("next").isNull()) {
                return seen;
            }
            after = page.get("next").asText();
            assertThat(after).isEqualTo(seen.get(seen.size() - 1));
        }
        throw new AssertionError("the cursor never reached the end");
    }

    @Test
    void the_certification_matches_count_every_device_reporting_each_certified_host() throws Exception {
        inventory.replaceCertifications(new CertificationList(List.of(new Certification("Acme", "Meter", "1.0"),
                new Certification("Acme", "Meter", "2.0"), new Certification("Acme", "Meter", "3.0")), Set.of()));

        Reply reply = get("/api/certifications/matches");

        assertThat(reply.status()).isEqualTo(200);
        JsonNode matches = reply.json();
        assertThat(matches).hasSize(3);
        assertThat(matches.get(0).get("softwareVersion").asText()).isEqualTo("1.0");
        assertThat(matches.get(0).get("devices").asLong()).isEqualTo(2);
        assertThat(matches.get(0).get("firstEndpoints")).extracting(JsonNode::asText)
                .containsExactly("meter-1", "meter-3");
        assertThat(matches.get(1).get("devices").asLong()).isEqualTo(1);
        assertThat(matches.get(2).get("devices").asLong()).isZero();
        assertThat(matches.get(2).get("firstEndpoints")).isEmpty();
    }

    // ---- one device

    @Test
    void one_device_shows_its_portfolio_instances_and_verdicts() throws Exception {
        Reply reply = get("/api/devices/meter-1");

        assertThat(reply.status()).isEqualTo(200);
        JsonNode body = reply.json();
        assertThat(body.get("summary").get("endpoint").asText()).isEqualTo("meter-1");
        assertThat(body.get("extDevInfoPresent").asBoolean()).isTrue();
        JsonNode portfolio = body.get("portfolios").get(0);
        assertThat(portfolio.get("instanceId").asInt()).isZero();
        assertThat(portfolio.get("identities").get("0").asText()).isEqualTo("SN-1");
        assertThat(portfolio.get("identities").get("3").asText()).isEqualTo("1.0");
        assertThat(body.get("verifications").get(0).get("outcome").asText()).isEqualTo("VERIFIED");
        assertThat(body.get("verifications").get(0).get("claims").get("manufacturer").asText()).isEqualTo("Acme");
        // The history names each Identity, not only its number.
        List<String> named = new java.util.ArrayList<>();
        body.get("history").forEach(change -> named.add(change.get("identity").asText()));
        assertThat(named).contains("unique id (0)", "manufacturer (1)", "model (2)", "software version (3)");
    }

    @Test
    void an_unknown_device_is_404_naming_it() throws Exception {
        Reply reply = get("/api/devices/ghost");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json()).isEqualTo(json.readTree("{\"error\":\"no device 'ghost'\"}"));
    }

    // ---- verify

    @Test
    void verify_runs_the_challenge_and_returns_the_verdict() throws Exception {
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        devices.verifyAnswer = CompletableFuture.completedFuture(
                new Verification(at, VerificationOutcome.VERIFIED, "all AuthData verified", "mac", 0, 7L, "{}"));

        Reply reply = post("/api/devices/meter-3/verify", null, "");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("outcome").asText()).isEqualTo("VERIFIED");
        assertThat(reply.json().get("at").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(reply.json().get("counter").asLong()).isEqualTo(7);
        assertThat(devices.calls).containsExactly("verify meter-3");
    }

    @Test
    void verify_of_an_offline_device_is_503() throws Exception {
        devices.verifyAnswer = CompletableFuture.failedFuture(new DeviceOperations.DeviceOfflineException("meter-3"));

        Reply reply = post("/api/devices/meter-3/verify", null, "");

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.error()).isEqualTo("device meter-3 is not registered");
    }

    @Test
    void verify_that_the_device_does_not_answer_in_time_is_504() throws Exception {
        devices.verifyAnswer = CompletableFuture.failedFuture(new TimeoutException());

        Reply reply = post("/api/devices/meter-3/verify", null, "");

        assertThat(reply.status()).isEqualTo(504);
        assertThat(reply.error()).isEqualTo("device 'meter-3' did not answer in time");
    }

    @Test
    void verify_of_a_device_the_inventory_does_not_know_is_404_and_asks_no_device() throws Exception {
        Reply reply = post("/api/devices/ghost/verify", null, "");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.error()).isEqualTo("no device 'ghost'");
        assertThat(devices.calls).isEmpty();
    }

    // ---- Identity writes

    @Test
    void writing_an_identity_hands_the_value_to_the_device_and_answers_changed() throws Exception {
        devices.writeAnswer = CompletableFuture.completedFuture(
                new DeviceOperations.WriteOutcome("CHANGED", true, null));

        Reply reply = put("/api/devices/meter-1/portfolio/0/identity/1", "application/json", "{\"value\":\"NewCo\"}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).isEqualTo(json.readTree("{\"code\":\"CHANGED\"}"));
        assertThat(devices.calls).containsExactly("write meter-1 /16/0/0/1 NewCo");
    }

    @Test
    void writing_a_locked_identity_is_409_with_the_device_answer() throws Exception {
        devices.writeAnswer = CompletableFuture.completedFuture(
                new DeviceOperations.WriteOutcome("UNAUTHORIZED", false, "identity is locked"));

        Reply reply = put("/api/devices/meter-1/portfolio/0/identity/1", "application/json", "{\"value\":\"NewCo\"}");

        assertThat(reply.status()).isEqualTo(409);
        JsonNode body = reply.json();
        assertThat(body.get("error").asText()).contains("meter-1", "/16/0/0/1", "locked");
        assertThat(body.get("deviceCode").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(body.get("deviceMessage").asText()).isEqualTo("identity is locked");
    }

    @Test
    void writing_an_instance_the_device_lacks_is_404_with_the_device_code() throws Exception {
        devices.writeAnswer = CompletableFuture.completedFuture(
                new DeviceOperations.WriteOutcome("NOT_FOUND", false, null));

        Reply reply = put("/api/devices/meter-1/portfolio/9/identity/1", "application/json", "{\"value\":\"x\"}");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().get("error").asText()).contains("/16/9/0/1");
        assertThat(reply.json().get("deviceCode").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void a_value_the_device_rejects_is_400_with_the_device_reason() throws Exception {
        devices.writeAnswer = CompletableFuture.completedFuture(
                new DeviceOperations.WriteOutcome("BAD_REQUEST", false, "value longer than 255 bytes"));

        Reply reply = put("/api/devices/meter-1/portfolio/0/identity/2", "application/json", "{\"value\":\"x\"}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).endsWith("value longer than 255 bytes");
        assertThat(reply.json().get("deviceCode").asText()).isEqualTo("BAD_REQUEST");
    }

    @Test
    void writing_on_an_offline_device_is_503_and_one_that_does_not_answer_is_504() throws Exception {
        devices.writeAnswer = CompletableFuture.failedFuture(new DeviceOperations.DeviceOfflineException("meter-1"));
        Reply offline = put("/api/devices/meter-1/portfolio/0/identity/1", "application/json", "{\"value\":\"x\"}");
        devices.writeAnswer = CompletableFuture.failedFuture(new TimeoutException());
        Reply silent = put("/api/devices/meter-1/portfolio/0/identity/1", "application/json", "{\"value\":\"x\"}");

        assertThat(offline.status()).isEqualTo(503);
        assertThat(silent.status()).isEqualTo(504);
    }

    @Test
    void a_write_cancelled_because_the_device_registered_again_is_503_saying_to_try_again() throws Exception {
        // what Leshan fails a request with when the registration it was sent under is replaced
        devices.writeAnswer = CompletableFuture.failedFuture(new RequestCanceledException(
                "Request %s cancelled because registration %s was replaced", "WriteRequest", "reg-1"));

        Reply reply = put("/api/devices/meter-1/portfolio/0/identity/9", "application/json", "{\"value\":\"x\"}");

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.error()).isEqualTo("the device re-registered or went away during the request; try again");
    }

    @Test
    void a_write_that_leshan_timed_out_is_504() throws Exception {
        devices.writeAnswer = CompletableFuture.failedFuture(new org.eclipse.leshan.core.request.exception
                .TimeoutException(org.eclipse.leshan.core.request.exception.TimeoutException.Type.RESPONSE_TIMEOUT,
                        "no answer to %s", "WriteRequest"));

        Reply reply = put("/api/devices/meter-1/portfolio/0/identity/1", "application/json", "{\"value\":\"x\"}");

        assertThat(reply.status()).isEqualTo(504);
        assertThat(reply.error()).isEqualTo("device 'meter-1' did not answer in time");
    }

    @Test
    void writing_on_a_device_the_inventory_does_not_know_is_404() throws Exception {
        Reply reply = put("/api/devices/ghost/portfolio/0/identity/1", "application/json", "{\"value\":\"x\"}");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(devices.calls).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "x/identity/1 | n must be an integer from 0 to 65534, got 'x'",
            "-1/identity/1 | n must be an integer from 0 to 65534, got '-1'",
            "0/identity/65535 | i must be an integer from 0 to 65534, got '65535'",
            "0/identity/1.5 | i must be an integer from 0 to 65534, got '1.5'" })
    void an_instance_or_identity_id_outside_0_to_65534_is_400(String path, String reason) throws Exception {
        Reply reply = put("/api/devices/meter-1/portfolio/" + path, "application/json", "{\"value\":\"x\"}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo(reason);
        assertThat(devices.calls).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "{", "[\"x\"]", "{}", "{\"value\":null}", "{\"value\":\"  \"}", "{\"value\":3}" })
    void an_identity_body_without_a_string_value_is_400(String body) throws Exception {
        Reply reply = put("/api/devices/meter-1/portfolio/0/identity/1", "application/json", body);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isNotBlank();
        assertThat(devices.calls).isEmpty();
    }

    // ---- compliance

    @Test
    void compliance_counts_each_state_and_the_total() throws Exception {
        Reply reply = get("/api/compliance");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).isEqualTo(json.readTree("{\"counts\":{\"NO_PORTFOLIO\":1,\"UNCERTIFIED\":1,"
                + "\"UNVERIFIED\":1,\"COMPLIANT\":1},\"total\":4}"));
    }

    @Test
    void an_empty_fleet_still_counts_all_four_states(@TempDir Path emptyDir) throws Exception {
        try (JdbcInventory empty = JdbcInventory.open(JdbcInventory.h2Url(emptyDir))) {
            RestApi emptyApi = RestApi.start("127.0.0.1", 0, empty, devices, events);
            String viewer = empty.tokens().create("viewer", Role.VIEWER).secret();
            try {
                HttpResponse<String> reply = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + emptyApi.port() + "/api/compliance"))
                                .header("Authorization", "Bearer " + viewer).build(),
                        BodyHandlers.ofString());

                assertThat(json.readTree(reply.body())).isEqualTo(json.readTree("{\"counts\":{\"NO_PORTFOLIO\":0,"
                        + "\"UNCERTIFIED\":0,\"UNVERIFIED\":0,\"COMPLIANT\":0},\"total\":0}"));
            } finally {
                emptyApi.stop();
            }
        }
    }

    @Test
    void the_compliance_report_is_csv_with_every_device() throws Exception {
        Reply reply = get("/api/compliance/report.csv");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/csv");
        assertThat(reply.body()).contains("meter-1", "meter-2", "meter-3", "sensor-4", "COMPLIANT", "NO_PORTFOLIO");
    }

    @Test
    void the_compliance_report_can_be_limited_to_one_state() throws Exception {
        Reply reply = get("/api/compliance/report.csv?state=UNCERTIFIED");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).contains("meter-2").doesNotContain("meter-1", "meter-3", "sensor-4");
    }

    // ---- certifications

    @Test
    void the_certification_list_shows_records_and_allocated_unique_ids() throws Exception {
        inventory.replaceCertifications(new CertificationList(List.of(new Certification("Acme", "Meter", "1.0")),
                Set.of("SN-2", "SN-1")));

        Reply reply = get("/api/certifications");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).isEqualTo(json.readTree("{\"records\":[{\"manufacturer\":\"Acme\",\"model\":\"Meter\","
                + "\"softwareVersion\":\"1.0\"}],\"allocatedUniqueIds\":[\"SN-1\",\"SN-2\"]}"));
    }

    @Test
    void the_certification_list_comes_as_csv_when_asked_for_csv() throws Exception {
        HttpResponse<String> reply = http.send(HttpRequest.newBuilder(uri("/api/certifications"))
                .header("Accept", "text/csv").header("Authorization", "Bearer " + token).build(),
                BodyHandlers.ofString());

        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/csv"));
        assertThat(reply.body()).isEqualTo("manufacturer,model,software_version\r\nAcme,Meter,1.0\r\n");
    }

    @Test
    void uploading_a_certification_csv_replaces_the_records_keeps_the_unique_ids_and_recomputes_states()
            throws Exception {
        inventory.replaceCertifications(new CertificationList(List.of(new Certification("Acme", "Meter", "1.0")),
                Set.of("SN-1", "SN-2", "SN-3")));

        Reply reply = put("/api/certifications", "text/csv",
                "manufacturer,model,software_version\nAcme,Meter,1.0\nAcme,Meter,2.0\n");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("count").asInt()).isEqualTo(2);
        assertThat(inventory.certifications().records()).containsExactly(new Certification("Acme", "Meter", "1.0"),
                new Certification("Acme", "Meter", "2.0"));
        assertThat(inventory.certifications().allocatedUniqueIds()).containsExactlyInAnyOrder("SN-1", "SN-2", "SN-3");
        assertThat(get("/api/compliance").json().get("counts").get("UNCERTIFIED").asInt()).isZero();
    }

    @Test
    void a_certification_csv_with_a_bad_line_is_400_naming_the_line_and_the_old_list_stays() throws Exception {
        Reply reply = put("/api/certifications", "text/csv",
                "manufacturer,model,software_version\nAcme,Meter,2.0\nAcme,Meter\n");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).startsWith("line 3: ");
        assertThat(reply.json().get("line").asInt()).isEqualTo(3);
        assertThat(inventory.certifications().records()).containsExactly(new Certification("Acme", "Meter", "1.0"));
    }

    @Test
    void uploading_unique_ids_replaces_them_and_keeps_the_records() throws Exception {
        Reply reply = post("/api/certifications/unique-ids", "text/csv", "unique_id\nSN-1\nSN-9\n");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("count").asInt()).isEqualTo(2);
        assertThat(inventory.certifications().allocatedUniqueIds()).containsExactlyInAnyOrder("SN-1", "SN-9");
        assertThat(inventory.certifications().records()).containsExactly(new Certification("Acme", "Meter", "1.0"));
        assertThat(get("/api/devices/meter-3").json().get("summary").get("state").asText()).isEqualTo("UNCERTIFIED");
    }

    @Test
    void a_certification_upload_that_is_neither_csv_nor_json_is_415() throws Exception {
        Reply reply = put("/api/certifications", "text/plain", "manufacturer,model,software_version\n");

        assertThat(reply.status()).isEqualTo(415);
        assertThat(inventory.certifications().records()).hasSize(1);
    }

    // ---- credentials

    @Test
    void a_psk_credential_is_kept_and_listed_without_its_key() throws Exception {
        Reply reply = put("/api/credentials/meter-1", "application/json",
                "{\"kind\":\"PSK\",\"pskIdentity\":\"meter-1-id\",\"pskKeyHex\":\"00112233445566778899AABBCCDDEEFF\"}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(inventory.credential("meter-1")).hasValueSatisfying(credential -> {
            assertThat(credential.kind()).isEqualTo(DeviceCredential.Kind.PSK);
            assertThat(credential.pskIdentity()).isEqualTo("meter-1-id");
            assertThat(credential.secret()).isEqualTo(HexFormat.of().parseHex("00112233445566778899aabbccddeeff"));
        });
        Reply list = get("/api/credentials");
        assertThat(list.json()).isEqualTo(
                json.readTree("[{\"endpoint\":\"meter-1\",\"kind\":\"PSK\",\"pskIdentity\":\"meter-1-id\"}]"));
        assertThat(list.body().toLowerCase()).doesNotContain("00112233");
        assertThat(reply.body().toLowerCase()).doesNotContain("00112233");
    }

    @Test
    void an_rpk_credential_takes_a_real_public_key() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        String publicKeyHex = HexFormat.of().formatHex(generator.generateKeyPair().getPublic().getEncoded());

        Reply good = put("/api/credentials/meter-2", "application/json",
                "{\"kind\":\"RPK\",\"publicKeyHex\":\"" + publicKeyHex + "\"}");
        Reply garbage = put("/api/credentials/meter-3", "application/json",
                "{\"kind\":\"RPK\",\"publicKeyHex\":\"0102030405\"}");

        assertThat(good.status()).isEqualTo(200);
        assertThat(good.json()).isEqualTo(json.readTree("{\"endpoint\":\"meter-2\",\"kind\":\"RPK\"}"));
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.error()).contains("publicKeyHex");
        assertThat(inventory.credential("meter-3")).isEmpty();
    }

    @Test
    void an_x509_credential_takes_nothing_but_its_kind() throws Exception {
        Reply good = put("/api/credentials/meter-1", "application/json", "{\"kind\":\"X509\"}");
        Reply withKey = put("/api/credentials/meter-2", "application/json", "{\"kind\":\"X509\",\"pskKeyHex\":\"00\"}");

        assertThat(good.status()).isEqualTo(200);
        assertThat(inventory.credential("meter-1").map(DeviceCredential::kind)).hasValue(DeviceCredential.Kind.X509);
        assertThat(withKey.status()).isEqualTo(400);
        assertThat(withKey.error()).contains("pskKeyHex");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "{}|kind is required", "{\"kind\":\"TOKEN\"}|kind must be PSK, RPK or X509",
            "{\"kind\":\"PSK\",\"pskKeyHex\":\"0011\"}|pskIdentity is required",
            "{\"kind\":\"PSK\",\"pskIdentity\":\"id\"}|pskKeyHex is required",
            "{\"kind\":\"PSK\",\"pskIdentity\":\"id\",\"pskKeyHex\":\"xyz\"}|pskKeyHex must be hexadecimal",
            "not json|the body is not valid JSON" })
    void a_bad_credential_is_400_with_the_reason(String body, String reason) throws Exception {
        Reply reply = put("/api/credentials/meter-1", "application/json", body);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).startsWith(reason);
        assertThat(inventory.credential("meter-1")).isEmpty();
    }

    @Test
    void a_psk_identity_of_another_device_is_409() throws Exception {
        put("/api/credentials/meter-1", "application/json",
                "{\"kind\":\"PSK\",\"pskIdentity\":\"shared\",\"pskKeyHex\":\"00112233445566778899aabbccddeeff\"}");

        Reply reply = put("/api/credentials/meter-2", "application/json",
                "{\"kind\":\"PSK\",\"pskIdentity\":\"shared\",\"pskKeyHex\":\"ffeeddccbbaa99887766554433221100\"}");

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.error()).contains("'shared'", "'meter-1'");
        assertThat(inventory.credential("meter-2")).isEmpty();
    }

    @Test
    void deleting_a_credential_is_204_and_deleting_it_again_is_404() throws Exception {
        put("/api/credentials/meter-1", "application/json", "{\"kind\":\"X509\"}");

        Reply first = send("DELETE", "/api/credentials/meter-1", null, "");
        Reply second = send("DELETE", "/api/credentials/meter-1", null, "");

        assertThat(first.status()).isEqualTo(204);
        assertThat(inventory.credential("meter-1")).isEmpty();
        assertThat(second.status()).isEqualTo(404);
        assertThat(second.error()).isEqualTo("no credential for 'meter-1'");
    }

    // ---- events

    @Test
    @Timeout(20)
    void a_published_event_reaches_an_event_stream_client() throws Exception {
        HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(uri("/api/events"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + token).build(),
                BodyHandlers.ofLines());
        try (Stream<String> body = response.body()) {
            Iterator<String> lines = body.iterator();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            assertThat(nextLineStartingWith(lines, ":")).contains("connected");

            events.publish("verdict", "meter-1", "VERIFIED");

            assertThat(nextLineStartingWith(lines, "event:")).isEqualTo("event: verdict");
            JsonNode data = json.readTree(nextLineStartingWith(lines, "data:").substring("data:".length()));
            assertThat(data.get("type").asText()).isEqualTo("verdict");
            assertThat(data.get("endpoint").asText()).isEqualTo("meter-1");
            assertThat(data.get("detail").asText()).isEqualTo("VERIFIED");
            assertThat(data.get("at").isTextual()).isTrue();
        }
    }

    @Test
    @Timeout(20)
    void the_server_forgets_an_event_stream_whose_client_went_away() throws Exception {
        HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(uri("/api/events"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + token).build(),
                BodyHandlers.ofLines());
        try (Stream<String> body = response.body()) {
            nextLineStartingWith(body.iterator(), ":");
            assertThat(api.eventStreamCount()).isEqualTo(1);
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            events.publish("collected", "meter-1", "probe");
            assertThat(api.eventStreamCount()).isZero();
        });
    }

    @Test
    void the_event_stream_without_the_event_stream_accept_header_is_406_in_json() throws Exception {
        Reply reply = get("/api/events");

        assertThat(reply.status()).isEqualTo(406);
        assertThat(reply.error()).contains("Accept: text/event-stream");
        assertThat(api.eventStreamCount()).isZero();
    }

    private static String nextLineStartingWith(Iterator<String> lines, String prefix) {
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("the stream ended before a line starting with '" + prefix + "'");
    }

    // ---- everything else

    @Test
    void an_unknown_api_path_is_404_in_json() throws Exception {
        Reply reply = get("/api/nothing");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(reply.error()).isEqualTo("no route GET /api/nothing");
    }

    @Test
    void a_method_a_route_does_not_take_is_405_in_json() throws Exception {
        Reply delete = send("DELETE", "/api/devices", null, "");
        Reply patch = send("PATCH", "/api/compliance", "application/json", "{}");

        assertThat(delete.status()).isEqualTo(405);
        assertThat(delete.error()).isEqualTo("method DELETE is not allowed on /api/devices");
        assertThat(patch.status()).isEqualTo(405);
        assertThat(patch.contentType()).startsWith("application/json");
    }

    @Test
    void an_unexpected_failure_is_500_without_its_details() throws Exception {
        devices.thrown = new IllegalStateException("secret detail of a broken collector");

        Reply reply = post("/api/devices/meter-1/verify", null, "");

        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.json()).isEqualTo(json.readTree("{\"error\":\"internal error\"}"));
        assertThat(reply.body()).doesNotContain("secret", "Exception", "at io.");
    }

    @Test
    void the_openapi_description_covers_every_route() throws Exception {
        Reply reply = get("/api/openapi.json");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        JsonNode spec = reply.json();
        assertThat(spec.get("openapi").asText()).startsWith("3.0");
        Map<String, List<String>> routes = Map.ofEntries(Map.entry("/api/devices", List.of("get")),
                Map.entry("/api/devices/{endpoint}", List.of("get", "delete")),
                Map.entry("/api/devices/{endpoint}/re-enrolment", List.of("post")),
                Map.entry("/api/revocations", List.of("get", "put")),
                Map.entry("/api/devices/{endpoint}/verify", List.of("post")),
                Map.entry("/api/devices/{endpoint}/portfolio/{n}/identity/{i}", List.of("put")),
                Map.entry("/api/compliance", List.of("get")), Map.entry("/api/compliance/report.csv", List.of("get")),
                Map.entry("/api/activity", List.of("get")),
                Map.entry("/api/certifications", List.of("get", "put", "post", "delete")),
                Map.entry("/api/certifications/unique-ids", List.of("post")),
                Map.entry("/api/certifications/matches", List.of("get")),
                Map.entry("/api/credentials", List.of("get")),
                Map.entry("/api/credentials/{endpoint}", List.of("put", "delete")),
                Map.entry("/api/tokens", List.of("get", "post")), Map.entry("/api/tokens/{name}", List.of("delete")),
                Map.entry("/api/events", List.of("get")), Map.entry("/api/openapi.json", List.of("get")),
                Map.entry("/health/live", List.of("get")), Map.entry("/health/ready", List.of("get")),
                Map.entry("/metrics", List.of("get")));
        JsonNode paths = spec.get("paths");
        routes.forEach((path, methods) -> {
            assertThat(paths.has(path)).as(path).isTrue();
            for (String method : methods) {
                assertThat(paths.get(path).has(method)).as(method + " " + path).isTrue();
                assertThat(paths.get(path).get(method).get("responses").size()).as(method + " " + path).isPositive();
            }
        });
        assertThat(paths.size()).isEqualTo(routes.size());
        spec.findValues("$ref").forEach(ref -> {
            String[] parts = ref.asText().substring(2).split("/");
            assertThat(spec.get(parts[0]).get(parts[1]).has(parts[2])).as(ref.asText()).isTrue();
        });
    }

    // ---- helpers

    private record Reply(int status, String contentType, String body) {
        JsonNode json() throws IOException {
            return RestApi.objectMapper().readTree(body);
        }

        String error() throws IOException {
            JsonNode error = json().get("error");
            return error == null ? null : error.asText();
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }

    private Reply get(String path) throws Exception {
        return send("GET", path, null, "");
    }

    private Reply post(String path, String contentType, String body) throws Exception {
        return send("POST", path, contentType, body);
    }

    private Reply put(String path, String contentType, String body) throws Exception {
        return send("PUT", path, contentType, body);
    }

    private Reply send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .method(method, body.isEmpty() ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }

    private static List<String> endpoints(JsonNode items) {
        List<String> endpoints = new ArrayList<>();
        items.forEach(item -> endpoints.add(item.get("endpoint").asText()));
        return endpoints;
    }

    private static JsonNode item(JsonNode page, String endpoint) {
        for (JsonNode item : page.get("items")) {
            if (item.get("endpoint").asText().equals(endpoint)) {
                return item;
            }
        }
        throw new AssertionError("no " + endpoint + " in " + page);
    }

    /** Answers as each test says, and records what it was asked. */
    private static final class ScriptedDevices implements DeviceOperations {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile CompletableFuture<Verification> verifyAnswer = new CompletableFuture<>();
        volatile CompletableFuture<WriteOutcome> writeAnswer = new CompletableFuture<>();
        volatile RuntimeException thrown;

        @Override
        public CompletableFuture<Verification> verifyNow(String endpoint) {
            calls.add("verify " + endpoint);
            if (thrown != null) {
                throw thrown;
            }
            return verifyAnswer;
        }

        @Override
        public CompletableFuture<WriteOutcome> writeIdentity(String endpoint, int instanceId, int identityId,
                String value) {
            calls.add("write " + endpoint + " /16/" + instanceId + "/0/" + identityId + " " + value);
            if (thrown != null) {
                throw thrown;
            }
            return writeAnswer;
        }
    }
}
