package io.github.lwm2mportfolio.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.server.inventory.PausableTcpProxy;

/**
 * A Register while the database is gone (PostgreSQL behind a relay that is then closed): answered 5.03 with the
 * reason and a Max-Age, logged as one WARN line with no stack trace, instead of no answer and an ERROR trace.
 * (The connection pool's own warnings, with their traces, come from other threads.)
 */
class RegistrationWithoutDatabaseTest {

    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    @TempDir
    Path dir;

    @Test
    @Timeout(90)
    void a_register_while_the_database_is_gone_is_answered_503_with_the_reason() throws Exception {
        String schema = "regdown_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE SCHEMA " + schema);
        PausableTcpProxy proxy = new PausableTcpProxy("127.0.0.1", 5432);
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (PortfolioServer server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0)
                .httpPort(-1).dataDirectory(dir.resolve("data"))
                .jdbcUrl("jdbc:postgresql://127.0.0.1:" + proxy.port()
                        + "/test?user=postgres&connectTimeout=2&currentSchema=" + schema)
                .build()) {
            server.start();
            proxy.close(); // its connections cut, new ones refused

            CoapResponse answer;
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            try {
                answer = register(server.coapUri(), "meter-db-down");
            } finally {
                System.setErr(original);
            }

            assertThat(answer).as("an answer").isNotNull();
            assertThat(answer.getCode()).isEqualTo(CoAP.ResponseCode.SERVICE_UNAVAILABLE);
            assertThat(answer.getResponseText()).isEqualTo("the inventory is unavailable; try again later");
            assertThat(answer.getOptions().getMaxAge()).isPositive();
            String logged = log.toString(StandardCharsets.UTF_8);
            assertThat(logged).containsPattern("WARN .*registration of meter-db-down from /127\\.0\\.0\\.1:\\d+ "
                    + "refused: the inventory is unavailable")
                    .containsOnlyOnce("meter-db-down") // one line: no trace of the request's handling
                    .doesNotContain("Exception while handling request").doesNotContain(" ERROR ");
        } finally {
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    /** A raw Register, waiting longer than the database pool takes to give up. */
    private static CoapResponse register(String coapUri, String endpointName) throws Exception {
        CoapEndpoint endpoint = CoapEndpoint.builder().setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0))
                .setConfiguration(Configuration.createStandardWithoutFile()).build();
        CoapClient client = new CoapClient(URI.create(coapUri).resolve("/rd?ep=" + endpointName + "&lt=300&b=U"
                + "&lwm2m=1.1")).setEndpoint(endpoint).setTimeout(60_000L);
        try {
            return client.post("</3/0>", MediaTypeRegistry.APPLICATION_LINK_FORMAT);
        } finally {
            client.shutdown();
            endpoint.destroy();
        }
    }

    private static void execute(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(POSTGRES);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
