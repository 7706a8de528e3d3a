package io.github.lwm2mportfolio.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.collector.DeviceOperations;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.github.lwm2mportfolio.server.inventory.PausableTcpProxy;
import io.github.lwm2mportfolio.server.inventory.Verification;

/** The API over PostgreSQL behind a relay that is closed: 503 with the reason and Retry-After, not 500. */
class RestDatabaseOutageTest {

    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    @Timeout(90)
    void a_database_that_refuses_connections_makes_any_route_503_with_the_reason_and_no_secret() throws Exception {
        String schema = "rest_down_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE SCHEMA " + schema);
        PausableTcpProxy proxy = new PausableTcpProxy("127.0.0.1", 5432);
        try (JdbcInventory inventory = JdbcInventory.open("jdbc:postgresql://127.0.0.1:" + proxy.port()
                + "/test?user=postgres&password=db-s3cret&connectTimeout=2&currentSchema=" + schema)) {
            RestApi api = RestApi.start(RestSettings.defaults().withAddress("127.0.0.1", 0), inventory,
                    new NoDevices(), new ServerEvents());
            try {
                String admin = inventory.tokens().create("root", Role.ADMIN).secret();
                assertThat(get(api, "/api/devices", admin).statusCode()).isEqualTo(200);
                proxy.close(); // its connections cut, new ones refused

                for (String path : new String[] {"/api/devices", "/api/compliance"}) {
                    HttpResponse<String> reply = get(api, path, admin);

                    assertThat(reply.statusCode()).as(path + ": " + reply.body()).isEqualTo(503);
                    assertThat(reply.headers().firstValue("Retry-After")).hasValue("10");
                    JsonNode body = RestApi.objectMapper().readTree(reply.body());
                    assertThat(body.get("error").asText()).as(path)
                            .startsWith("the inventory database is unavailable: ").endsWith("; try again")
                            .doesNotContain("db-s3cret", "postgres", String.valueOf(proxy.port()));
                }
            } finally {
                api.stop();
            }
        } finally {
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private HttpResponse<String> get(RestApi api, String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api.uri() + path)).timeout(Duration.ofSeconds(40))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void execute(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(POSTGRES);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** No device is reached in these requests. */
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
