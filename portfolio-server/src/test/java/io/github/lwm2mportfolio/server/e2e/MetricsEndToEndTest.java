package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * {@code GET /metrics} as Prometheus scrapes it: a real server, a real client collected and verified, then the
 * text shows the registration, the collection, the verdict, the LwM2M requests' latency by operation, the database
 * transactions, the compliance counts and the JVM; without a token, or with a wrong one, it is a 401 in JSON.
 */
class MetricsEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** One sample line: name, labels, value. */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_]+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();
    private PortfolioServer server;
    private Fleet fleet;
    private String viewerToken;

    @BeforeEach
    void startServer() throws Exception {
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(0)
                .dataDirectory(dataDir.resolve("server")).fleetMasterKey(Fleet.MASTER_KEY)
                .collector(CollectorConfig.defaults().withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(20),
                        Duration.ofMillis(100)))
                .build();
        server.inventory().replaceCertifications(new CertificationList(
                List.of(new Certification("Northwind Metering", "NW-E350", "3.4.1")), Set.of()));
        viewerToken = server.tokens().create("prometheus", Role.VIEWER).secret();
        server.start();
        fleet = new Fleet(server, dataDir.resolve("clients"));
    }

    @AfterEach
    void stop() {
        fleet.close();
        server.close();
    }

    @Test
    void a_collected_device_shows_in_every_family_of_metrics() throws Exception {
        String endpoint = Fleet.newEndpoint("metered");
        PortfolioClient client = fleet.start(fleet.client(endpoint, true), Fleet.HostSetup.certified("HDID-M1"));
        await().atMost(Duration.ofSeconds(90)).until(() -> server.inventory().device(endpoint)
                .map(d -> d.summary().lastVerification() != null).orElse(false));
        assertThat(server.inventory().device(endpoint).orElseThrow().summary().lastVerification().outcome())
                .isEqualTo(VerificationOutcome.VERIFIED);
        server.collector().writeIdentity(endpoint, 0, 0, "HDID-M1").get(10, TimeUnit.SECONDS);

        HttpResponse<String> reply = scrape("Bearer " + viewerToken);

        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        assertThat(reply.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        String text = reply.body();
        assertThat(value(text, "portfolio_registrations_total", Map.of())).isEqualTo(1);
        assertThat(value(text, "portfolio_collections_started_total", Map.of())).isEqualTo(1);
        assertThat(value(text, "portfolio_collections_finished_total", Map.of("outcome", "collected"))).isEqualTo(1);
        assertThat(value(text, "portfolio_collections_finished_total", Map.of("outcome", "failed"))).isZero();
        assertThat(value(text, "portfolio_verdicts_total", Map.of("outcome", "VERIFIED"))).isEqualTo(1);
        assertThat(value(text, "portfolio_verdicts_total", Map.of("outcome", "FAILED"))).isZero();
        // Identity and AuthStatus are observed together: one Observe-Composite, no single-resource Observe
        for (String operation : List.of("read", "observe_composite", "execute", "write")) {
            assertThat(sum(text, "portfolio_coap_requests_seconds_count", Map.of("operation", operation)))
                    .as(operation).isPositive();
            assertThat(sum(text, "portfolio_coap_requests_seconds_bucket", Map.of("operation", operation,
                    "le", "+Inf"))).as(operation + " histogram").isPositive();
        }
        // /3/0/22 comes in the same Observe-Composite (LwM2M 1.1): the one Read is AuthData's
        assertThat(value(text, "portfolio_coap_requests_seconds_count", Map.of("operation", "read", "outcome",
                "success"))).isEqualTo(1);
        assertThat(value(text, "portfolio_coap_requests_seconds_count", Map.of("operation", "observe_composite",
                "outcome", "success"))).isEqualTo(1);
        assertThat(value(text, "portfolio_db_transactions_seconds_count", Map.of("outcome", "committed")))
                .isPositive();
        assertThat(value(text, "portfolio_db_transactions_seconds_sum", Map.of("outcome", "committed")))
                .isPositive();
        assertThat(value(text, "portfolio_devices", Map.of("state", "COMPLIANT"))).isEqualTo(1);
        assertThat(value(text, "portfolio_devices", Map.of("state", "UNCERTIFIED"))).isZero();
        assertThat(value(text, "portfolio_collector_queue_wait_seconds_count", Map.of())).isPositive();
        assertThat(value(text, "portfolio_collector_queue_length", Map.of())).isZero();
        assertThat(value(text, "portfolio_collector_workers", Map.of())).isPositive();
        assertThat(value(text, "portfolio_http_threads", Map.of())).isPositive();
        assertThat(value(text, "portfolio_http_threads_max", Map.of())).isPositive();
        assertThat(sum(text, "hikaricp_connections", Map.of())).isPositive();
        assertThat(sum(text, "jvm_memory_used_bytes", Map.of())).isPositive();
        assertThat(sum(text, "jvm_threads_live_threads", Map.of())).isPositive();
        // jvm_gc_pause_seconds appears after the first collection only: the eager GC meters show the binder is there
        assertThat(text).contains("# TYPE jvm_gc_max_data_size_bytes gauge",
                "# TYPE portfolio_registrations_total counter");

        client.stop(true);
        await().atMost(Duration.ofSeconds(20)).until(() -> value(scrape("Bearer " + viewerToken).body(),
                "portfolio_deregistrations_total", Map.of("reason", "deregistered")) == 1);
    }

    @Test
    void a_scrape_without_a_viewer_token_is_refused_in_json() throws Exception {
        for (String authorization : new String[] { null, "Bearer pft_" + "x".repeat(43), "Basic cHJvbTpwcm9t" }) {
            HttpResponse<String> reply = scrape(authorization);

            assertThat(reply.statusCode()).as(authorization).isEqualTo(401);
            assertThat(reply.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(JSON.readTree(reply.body()).get("error").asText()).isNotBlank();
            assertThat(reply.body()).doesNotContain("portfolio_", "jvm_");
        }
    }

    private HttpResponse<String> scrape(String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.restUri() + "/metrics"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the one sample with this name whose labels include these; fails when there is none or more. */
    private static double value(String text, String name, Map<String, String> labels) {
        List<Double> values = samples(text, name, labels);
        assertThat(values).as("%s%s in:%n%s", name, labels, text).hasSize(1);
        return values.get(0);
    }

    /** The sum of the samples with this name whose labels include these. */
    private static double sum(String text, String name, Map<String, String> labels) {
        List<Double> values = samples(text, name, labels);
        assertThat(values).as("%s%s in:%n%s", name, labels, text).isNotEmpty();
        return values.stream().mapToDouble(Double::doubleValue).sum();
    }

    private static List<Double> samples(String text, String name, Map<String, String> labels) {
        return text.lines().map(SAMPLE::matcher).filter(Matcher::matches)
                .filter(m -> m.group(1).equals(name) && labels(m.group(2)).entrySet().containsAll(labels.entrySet()))
                .map(m -> Double.parseDouble(m.group(3))).toList();
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new HashMap<>();
        if (text != null) {
            Matcher label = LABEL.matcher(text);
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
        }
        return labels;
    }
}
