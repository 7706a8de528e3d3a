package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * A spoofer on plain CoAP, without credentials, registers with the endpoint name of a VERIFIED device and other
 * host values: the device's current host stays the verified one; the spoofed values are shown as claimed, with
 * the verdict that refused them (issue 11).
 */
class SpoofingTest {

    @TempDir
    Path dataDir;

    private PortfolioServer server;
    private Fleet devices;
    private Fleet spoofers;
    private String viewerToken;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void startServer() throws Exception {
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpHost("127.0.0.1")
                .httpPort(0).dataDirectory(dataDir.resolve("server"))
                .collector(CollectorConfig.defaults().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3),
                        Duration.ofMillis(100)))
                .build();
        server.inventory().replaceCertifications(new CertificationList(
                List.of(new Certification("Northwind Metering", "NW-E350", "3.4.1")), Set.of()));
        server.start();
        viewerToken = server.tokens().create("viewer", Role.VIEWER).secret();
        devices = new Fleet(server, dataDir.resolve("devices"));
        spoofers = new Fleet(server, dataDir.resolve("spoofers"));
    }

    @AfterEach
    void stop() {
        spoofers.close();
        devices.close();
        server.close();
    }

    @Test
    void a_spoofer_never_becomes_the_current_host_of_a_verified_device() throws Exception {
        String endpoint = Fleet.newEndpoint("victim");
        PortfolioClient victim = devices.start(devices.client(endpoint, true), Fleet.HostSetup.certified("HDID-V"));
        await().atMost(15, TimeUnit.SECONDS).until(() -> server.inventory().device(endpoint)
                .map(d -> d.summary().lastVerification() != null
                        && d.summary().lastVerification().outcome() == VerificationOutcome.VERIFIED)
                .orElse(false));
        victim.close(); // the spoofer takes over the endpoint name (Leshan would give it the registration anyway)

        spoofers.start(spoofers.client(endpoint, false), client -> client.hostDevice().setUniqueId("HDID-SPOOF")
                .setManufacturer("Northwind Metering").setModel("NW-E350").setSoftwareVersion("6.6.6"));

        await().atMost(15, TimeUnit.SECONDS).until(() -> server.inventory().device(endpoint)
                .map(d -> d.history().stream().anyMatch(c -> "FAILED".equals(c.claimOutcome()))).orElse(false));
        JsonNode device = getDevice(endpoint);
        JsonNode host = device.path("summary").path("host");
        assertThat(host.path("uniqueId").asText()).isEqualTo("HDID-V");
        assertThat(host.path("softwareVersion").asText()).isEqualTo("3.4.1");
        assertThat(device.path("portfolios").get(0).path("identities").path("0").asText()).isEqualTo("HDID-V");
        assertThat(device.path("summary").path("lastVerification").path("outcome").asText()).isEqualTo("FAILED");
        assertThat(device.path("summary").path("lastVerification").path("reason").asText())
                .contains("UNTRUSTED_SIGNER");
        assertThat(device.path("history")).anySatisfy(change -> {
            assertThat(change.path("identityId").asInt()).isZero();
            assertThat(change.path("oldValue").asText()).isEqualTo("HDID-V");
            assertThat(change.path("newValue").asText()).isEqualTo("HDID-SPOOF");
            assertThat(change.path("claimOutcome").asText()).isEqualTo("FAILED");
            assertThat(change.path("claimReason").asText()).contains("UNTRUSTED_SIGNER");
        });
        assertThat(device.path("history")).anySatisfy(change -> {
            assertThat(change.path("identityId").asInt()).isEqualTo(3);
            assertThat(change.path("newValue").asText()).isEqualTo("6.6.6");
            assertThat(change.path("claimOutcome").asText()).isEqualTo("FAILED");
        });
        assertThat(listedBy("hdid-spoof").path("items")).as("the fleet list's text filter").isEmpty();
    }

    @Test
    void the_verified_device_changing_its_software_is_applied_once_verified() throws Exception {
        String endpoint = Fleet.newEndpoint("updated");
        PortfolioClient device = devices.start(devices.client(endpoint, true), Fleet.HostSetup.certified("HDID-U"));
        await().atMost(15, TimeUnit.SECONDS).until(() -> server.inventory().device(endpoint)
                .map(d -> d.summary().lastVerification() != null).orElse(false));

        device.hostDevice().setSoftwareVersion("3.5.0");

        await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> {
            JsonNode detail = getDevice(endpoint);
            assertThat(detail.path("summary").path("host").path("softwareVersion").asText()).isEqualTo("3.5.0");
            assertThat(detail.path("history")).anySatisfy(change -> {
                assertThat(change.path("newValue").asText()).isEqualTo("3.5.0");
                assertThat(change.path("claimOutcome").asText()).isEqualTo("VERIFIED");
            });
        });
    }

    private JsonNode getDevice(String endpoint) throws Exception {
        return get("/api/devices/" + URLEncoder.encode(endpoint, StandardCharsets.UTF_8));
    }

    private JsonNode listedBy(String text) throws Exception {
        return get("/api/devices?q=" + URLEncoder.encode(text, StandardCharsets.UTF_8));
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.restUri() + path))
                .header("Authorization", "Bearer " + viewerToken).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }
}
