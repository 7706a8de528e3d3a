package io.github.lwm2mportfolio.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
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
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.server.Revocations;
import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.collector.DeviceOperations;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.DeviceAction;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.github.lwm2mportfolio.server.inventory.PortfolioSnapshot;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * The operator's lifecycle routes on a real inventory: removing a device, re-enrolling one, editing the
 * certification list, replacing the revocations, the compliance event and the log line of every change.
 */
class LifecycleRoutesTest {

    private static final Instant COLLECTED = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
    private static final String CSV_HEADER = "manufacturer,model,software_version\n";

    @TempDir
    Path databaseDir;

    private final RegisteredDevices devices = new RegisteredDevices();
    private final ServerEvents events = new ServerEvents();
    private final ObjectMapper json = RestApi.objectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private JdbcInventory inventory;
    private RestApi api;
    private String admin;
    private String operator;

    /** meter-1 COMPLIANT (verified with counter 7, registered now), meter-2 UNVERIFIED. */
    @BeforeEach
    void start() {
        inventory = JdbcInventory.open(JdbcInventory.h2Url(databaseDir));
        inventory.addComplianceListener(events::publish); // as PortfolioServer does
        inventory.replaceCertifications(
                new CertificationList(List.of(new Certification("Acme", "Meter", "1.0")), Set.of()));
        hostDevice("meter-1");
        inventory.verificationRecorded("meter-1", new Verification(COLLECTED.plusSeconds(1),
                VerificationOutcome.VERIFIED, "all AuthData verified", "sign", 0, 7L, null));
        hostDevice("meter-2");
        devices.registered.add("meter-1");
        api = RestApi.start("127.0.0.1", 0, inventory, devices, events);
        admin = inventory.tokens().create("alice", Role.ADMIN).secret();
        operator = inventory.tokens().create("olaf", Role.OPERATOR).secret();
    }

    private void hostDevice(String endpoint) {
        inventory.registered(endpoint, "1.1", true, COLLECTED);
        inventory.portfoliosCollected(endpoint, List.of(new PortfolioSnapshot(0,
                new TreeMap<>(Map.of(0, "SN-" + endpoint, 1, "Acme", 2, "Meter", 3, "1.0")), true)), true, COLLECTED);
    }

    @AfterEach
    void stop() {
        api.stop();
        inventory.close();
    }

    // ---- removing a device

    @Test
    void removing_a_registered_device_forgets_its_registration_and_deletes_it_with_its_history() throws Exception {
        Reply reply = send("DELETE", "/api/devices/meter-1", admin, null, "");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("removed").asBoolean()).isTrue();
        assertThat(reply.json().get("wasRegistered").asBoolean()).isTrue();
        assertThat(reply.json().get("note").asText()).contains("registers again at its next update");
        assertThat(devices.forgotten).containsExactly("meter-1");
        assertThat(inventory.device("meter-1")).isEmpty();
        assertThat(send("GET", "/api/devices/meter-1", admin, null, "").status()).isEqualTo(404);
        assertThat(inventory.complianceCounts()).containsEntry(ComplianceState.COMPLIANT, 0L)
                .containsEntry(ComplianceState.UNVERIFIED, 1L);
        assertThat(inventory.lastAcceptedCounter("meter-1")).as("its counter went with it").isEqualTo(-1);
    }

    @Test
    void a_removed_device_that_registers_again_starts_with_an_empty_history() {
        inventory.removeDevice("meter-1");

        inventory.registered("meter-1", "1.1", false, Instant.now());

        assertThat(inventory.device("meter-1")).hasValueSatisfying(device -> {
            assertThat(device.verifications()).isEmpty();
            assertThat(device.history()).isEmpty();
            assertThat(device.summary().state()).isEqualTo(ComplianceState.NO_PORTFOLIO);
        });
        assertThat(inventory.complianceCounts().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2);
    }

    @Test
    void removing_an_unknown_device_is_404_and_an_operator_may_not_remove() throws Exception {
        Reply unknown = send("DELETE", "/api/devices/nobody", admin, null, "");
        Reply byOperator = send("DELETE", "/api/devices/meter-2", operator, null, "");

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).isEqualTo("no device 'nobody'");
        assertThat(byOperator.status()).isEqualTo(403);
        assertThat(inventory.device("meter-2")).isPresent();
        assertThat(devices.forgotten).isEmpty();
    }

    // ---- re-enrolment

    @Test
    void re_enrolment_lets_a_restarted_counter_verify_and_is_in_the_history_with_who_asked() throws Exception {
        Verification restarted = new Verification(Instant.now(), VerificationOutcome.VERIFIED, "verified", "sign", 0,
                1L, null);
        assertThat(inventory.verificationRecorded("meter-1", restarted)).as("before: a replay").isFalse();

        Reply reply = send("POST", "/api/devices/meter-1/re-enrolment", admin, null, "");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("reEnrolledBy").asText()).isEqualTo("alice");
        assertThat(inventory.verificationRecorded("meter-1", new Verification(Instant.now().plusMillis(5),
                VerificationOutcome.VERIFIED, "verified", "sign", 0, 1L, null))).as("after").isTrue();
        JsonNode actions = send("GET", "/api/devices/meter-1", admin, null, "").json().get("actions");
        assertThat(actions).hasSize(1);
        assertThat(actions.get(0).get("action").asText()).isEqualTo(DeviceAction.RE_ENROLMENT);
        assertThat(actions.get(0).get("actor").asText()).isEqualTo("alice");
        assertThat(actions.get(0).get("detail").asText()).contains("last accepted 7");
        assertThat(actions.get(0).get("at").asText()).isNotBlank();
    }

    @Test
    void re_enrolling_an_unknown_device_is_404_and_an_operator_may_not() throws Exception {
        assertThat(send("POST", "/api/devices/nobody/re-enrolment", admin, null, "").status()).isEqualTo(404);
        assertThat(send("POST", "/api/devices/meter-1/re-enrolment", operator, null, "").status()).isEqualTo(403);
        assertThat(inventory.lastAcceptedCounter("meter-1")).isEqualTo(7);
        assertThat(inventory.device("meter-1").orElseThrow().actions()).isEmpty();
    }

    // ---- certifications

    @Test
    void put_replaces_post_adds_and_tells_duplicates_delete_removes_one() throws Exception {
        Reply replaced = send("PUT", "/api/certifications", admin, "text/csv", CSV_HEADER + "Acme,Meter,2.0\n");
        Reply added = send("POST", "/api/certifications", admin, "text/csv",
                CSV_HEADER + "Acme,Meter,2.0\nAcme,Meter,3.0\n");
        Reply addedJson = send("POST", "/api/certifications", admin, "application/json",
                "{\"records\":[{\"manufacturer\":\"Acme\",\"model\":\"Meter\",\"softwareVersion\":\"1.0\"}]}");
        Reply removed = send("DELETE", "/api/certifications?manufacturer=Acme&model=Meter&softwareVersion=3.0", admin,
                null, "");
        Reply removedAgain = send("DELETE",
                "/api/certifications?manufacturer=Acme&model=Meter&softwareVersion=3.0", admin, null, "");

        assertThat(replaced.json()).isEqualTo(json.readTree("{\"count\":1,\"replaced\":1}"));
        assertThat(added.json()).isEqualTo(json.readTree("{\"added\":1,\"alreadyListed\":1,\"count\":2}"));
        assertThat(addedJson.json()).isEqualTo(json.readTree("{\"added\":1,\"alreadyListed\":0,\"count\":3}"));
        assertThat(removed.status()).isEqualTo(200);
        assertThat(removed.json().get("count").asInt()).isEqualTo(2);
        assertThat(removedAgain.status()).isEqualTo(404);
        assertThat(removedAgain.error()).isEqualTo("no certification record Acme / Meter / 3.0");
        assertThat(inventory.certifications().records()).containsExactlyInAnyOrder(
                new Certification("Acme", "Meter", "1.0"), new Certification("Acme", "Meter", "2.0"));
        assertThat(inventory.certificationSource()).hasValueSatisfying(source -> {
            assertThat(source.throughApi()).isTrue();
            assertThat(source.changedBy()).isEqualTo("token 'alice'");
        });
    }

    @Test
    void a_bad_certification_edit_is_400_and_changes_nothing() throws Exception {
        Reply noRecords = send("POST", "/api/certifications", admin, "application/json", "{\"record\":[]}");
        Reply blankField = send("POST", "/api/certifications", admin, "application/json",
                "{\"records\":[{\"manufacturer\":\"Acme\",\"model\":\" \",\"softwareVersion\":\"9\"}]}");
        Reply missingParameter = send("DELETE", "/api/certifications?manufacturer=Acme&model=Meter", admin, null, "");
        Reply byOperator = send("POST", "/api/certifications", operator, "text/csv", CSV_HEADER + "X,Y,Z\n");

        assertThat(noRecords.status()).isEqualTo(400);
        assertThat(noRecords.error()).startsWith("the body must be {\"records\": [");
        assertThat(blankField.status()).isEqualTo(400);
        assertThat(blankField.error()).isEqualTo("records[0].model is required");
        assertThat(missingParameter.status()).isEqualTo(400);
        assertThat(missingParameter.error()).contains("softwareVersion is missing");
        assertThat(byOperator.status()).isEqualTo(403);
        assertThat(inventory.certifications().records()).containsExactly(new Certification("Acme", "Meter", "1.0"));
    }

    // ---- revocations

    @Test
    void a_revocation_list_put_is_shown_kept_across_a_reopening_and_given_to_the_verifier() throws Exception {
        List<Revocations> given = new CopyOnWriteArrayList<>();
        inventory.addRevocationListener(given::add);
        String fingerprint = "AB:".repeat(31) + "AB";

        Reply reply = send("PUT", "/api/revocations", admin, "application/json",
                "{\"entries\":[\"0x1F\", \"" + fingerprint + "\"]}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).isEqualTo(json.readTree("{\"serialNumbers\":[\"1f\"],\"fingerprints\":[\""
                + "ab".repeat(32) + "\"],\"count\":2}"));
        assertThat(send("GET", "/api/revocations", operator, null, "").json()).isEqualTo(reply.json());
        assertThat(given).singleElement().satisfies(list -> assertThat(list.serials()).containsExactly(
                BigInteger.valueOf(31)));
        api.stop();
        inventory.close();
        inventory = JdbcInventory.open(JdbcInventory.h2Url(databaseDir));
        api = RestApi.start("127.0.0.1", 0, inventory, devices, events);
        assertThat(inventory.revocations().size()).isEqualTo(2);
        assertThat(inventory.revocations().fingerprints()).containsExactly("ab".repeat(32));
    }

    @Test
    void a_bad_revocation_entry_is_400_naming_it_and_the_list_stays() throws Exception {
        send("PUT", "/api/revocations", admin, "application/json", "{\"entries\":[\"01\"]}");

        Reply bad = send("PUT", "/api/revocations", admin, "application/json", "{\"entries\":[\"02\", \"xyz\"]}");
        Reply smuggled = send("PUT", "/api/revocations", admin, "application/json", "{\"entries\":[\"03\\n04\"]}");
        Reply byOperator = send("PUT", "/api/revocations", operator, "application/json", "{\"entries\":[]}");
        Reply notAList = send("PUT", "/api/revocations", admin, "application/json", "{\"entries\":\"05\"}");

        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).startsWith("entry 2: 'xyz' is neither a serial number");
        assertThat(smuggled.status()).isEqualTo(400);
        assertThat(byOperator.status()).isEqualTo(403);
        assertThat(notAList.status()).isEqualTo(400);
        assertThat(inventory.revocations().serials()).containsExactly(BigInteger.ONE);
    }

    // ---- compliance events and the change log

    @Test
    @Timeout(20)
    void a_compliance_change_is_an_event_with_the_old_and_new_state_and_the_reason() throws Exception {
        HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(uri("/api/events"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + admin).build(),
                BodyHandlers.ofLines());
        try (Stream<String> body = response.body()) {
            Iterator<String> lines = body.iterator();
            nextLineStartingWith(lines, ":");

            send("DELETE", "/api/certifications?manufacturer=Acme&model=Meter&softwareVersion=1.0", admin, null, "");

            assertThat(nextLineStartingWith(lines, "event:")).isEqualTo("event: compliance");
            JsonNode event = json.readTree(nextLineStartingWith(lines, "data:").substring("data:".length()));
            assertThat(event.get("endpoint").asText()).isEqualTo("meter-1");
            assertThat(event.get("oldState").asText()).isEqualTo("COMPLIANT");
            assertThat(event.get("newState").asText()).isEqualTo("UNCERTIFIED");
            assertThat(event.get("reason").asText()).startsWith("no certification record for Acme / Meter / 1.0");
        }
    }

    @Test
    void every_change_is_logged_with_the_token_name_method_path_and_status_never_the_token() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            send("PUT", "/api/certifications", admin, "text/csv", CSV_HEADER + "Acme,Meter,1.0\n");
            send("DELETE", "/api/devices/meter-2", operator, null, "");
            send("POST", "/api/devices/meter-1/re-enrolment", "pft_" + "x".repeat(43), null, "");
            send("GET", "/api/devices", admin, null, "");
        } finally {
            System.setErr(original);
        }

        String logged = log.toString(StandardCharsets.UTF_8);
        assertThat(logged).contains("REST PUT /api/certifications by token 'alice' from 127.0.0.1: 200",
                "REST DELETE /api/devices/meter-2 by token 'olaf' from 127.0.0.1: 403",
                "REST POST /api/devices/meter-1/re-enrolment by no valid token from 127.0.0.1: 401");
        assertThat(logged).doesNotContain("REST GET", admin, operator, "x".repeat(43), "Acme,Meter");
    }

    // ---- helpers

    private record Reply(int status, String body) {
        JsonNode json() throws IOException {
            return RestApi.objectMapper().readTree(body);
        }

        String error() throws IOException {
            return json().path("error").asText(null);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }

    private Reply send(String method, String path, String token, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .method(method, body.isEmpty() ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response = http.send(request.build(), BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
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

    /** Devices of which some are registered; forgetting one is recorded. */
    private static final class RegisteredDevices implements DeviceOperations {
        final List<String> registered = new CopyOnWriteArrayList<>();
        final List<String> forgotten = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<Verification> verifyNow(String endpoint) {
            return CompletableFuture.failedFuture(new DeviceOfflineException(endpoint));
        }

        @Override
        public CompletableFuture<WriteOutcome> writeIdentity(String endpoint, int instanceId, int identityId,
                String value) {
            return CompletableFuture.failedFuture(new DeviceOfflineException(endpoint));
        }

        @Override
        public boolean forget(String endpoint) {
            forgotten.add(endpoint);
            return registered.remove(endpoint);
        }
    }
}
