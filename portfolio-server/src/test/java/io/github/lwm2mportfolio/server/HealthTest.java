package io.github.lwm2mportfolio.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.server.inventory.PausableTcpProxy;

/**
 * {@code /health/live} and {@code /health/ready} as an orchestrator calls them: no token, JSON, 503 with the
 * failing check's reason when the database is gone or hangs, or an LwM2M endpoint does not serve.
 */
class HealthTest {

    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private PortfolioServer.Builder builder() {
        return PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(0)
                .dataDirectory(dir.resolve("data"));
    }

    @Test
    void a_serving_server_is_live_and_ready_without_a_token() throws Exception {
        try (PortfolioServer server = builder().build()) {
            server.start();

            HttpResponse<String> live = get(server, "/health/live");
            HttpResponse<String> ready = get(server, "/health/ready");

            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(live.body()).get("status").asText()).isEqualTo("UP");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            JsonNode checks = JSON.readTree(ready.body()).get("checks");
            assertThat(checks.get("database").get("status").asText()).isEqualTo("UP");
            assertThat(checks.get("lwm2m").get("status").asText()).isEqualTo("UP");
            assertThat(ready.headers().firstValue("Cache-Control")).hasValue("no-store");
        }
    }

    @Test
    @Timeout(60)
    void a_database_that_is_gone_makes_the_server_not_ready_with_the_reason() throws Exception {
        String schema = newSchema();
        PausableTcpProxy proxy = new PausableTcpProxy("127.0.0.1", 5432);
        try (PortfolioServer server = builder().jdbcUrl(throughProxy(proxy, schema)).build()) {
            server.start();
            proxy.close(); // its connections cut, new ones refused

            HttpResponse<String> ready = get(server, "/health/ready");

            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
            JsonNode body = JSON.readTree(ready.body());
            assertThat(body.get("status").asText()).isEqualTo("DOWN");
            assertThat(body.get("checks").get("database").get("reason").asText()).isNotBlank();
            assertThat(body.get("checks").get("lwm2m").get("status").asText()).isEqualTo("UP");
            assertThat(get(server, "/health/live").statusCode()).isEqualTo(200);
        } finally {
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void lwm2m_endpoints_that_stopped_make_the_server_not_ready() throws Exception {
        try (PortfolioServer server = builder().build()) {
            server.start();
            server.lwm2mServer().stop();

            HttpResponse<String> ready = get(server, "/health/ready");

            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode lwm2m = JSON.readTree(ready.body()).get("checks").get("lwm2m");
            assertThat(lwm2m.get("reason").asText()).contains("coap://127.0.0.1:", "is not serving");
        }
    }

    @Test
    @Timeout(60)
    void a_hung_database_is_told_within_the_bound() throws Exception {
        String schema = newSchema();
        try (PausableTcpProxy proxy = new PausableTcpProxy("127.0.0.1", 5432);
                PortfolioServer server = builder().jdbcUrl(throughProxy(proxy, schema)).build()) {
            server.start();
            assertThat(get(server, "/health/ready").statusCode()).isEqualTo(200);

            proxy.pause();
            HttpResponse<String> ready = get(server, "/health/ready");

            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(ready.body()).get("checks").get("database").get("reason").asText())
                    .isEqualTo("the database did not answer within 1000 ms");
            proxy.resume();
        } finally {
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private HttpResponse<String> get(PortfolioServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.restUri() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String newSchema() throws Exception {
        String schema = "health_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE SCHEMA " + schema);
        return schema;
    }

    private static String throughProxy(PausableTcpProxy proxy, String schema) {
        return "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test?user=postgres&connectTimeout=2&currentSchema="
                + schema;
    }

    private static void execute(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(POSTGRES);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
