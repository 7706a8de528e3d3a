package io.github.lwm2mportfolio.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portfolio server} that cannot start yet or at all (issue 14, bad input): a PostgreSQL database that does
 * not answer at start is waited for with back-off, said at each attempt, with health up and readiness down and
 * nothing else made or served until it answers; {@code --db-wait} bounds the wait. A port already taken stops the
 * start before any data, identity or token is made.
 */
class StartupProcessTest {

    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final String PASSWORD = "db-pa55word-s6";

    @TempDir
    Path dir;

    private Process server;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    @Test
    @Timeout(180)
    void a_database_down_at_start_is_waited_for_then_the_server_starts() throws Exception {
        String schema = "s6_dbwait_" + UUID.randomUUID().toString().substring(0, 8);
        execute("CREATE SCHEMA " + schema);
        int dbPort = freeTcpPort();
        int httpPort = freeTcpPort();
        try {
            server = start("--db", "jdbc:postgresql://127.0.0.1:" + dbPort + "/test?user=postgres&password="
                    + PASSWORD + "&currentSchema=" + schema, "--http-port", String.valueOf(httpPort),
                    "--db-wait", "2m");
            await().atMost(Duration.ofSeconds(30)).until(() -> output().contains("attempt 2, next in 2s"));

            String waiting = output();
            assertThat(waiting).contains("waiting for the database jdbc:postgresql://127.0.0.1:" + dbPort
                    + "/test?user=postgres&password=***&currentSchema=" + schema + ": it refused the connection; "
                    + "attempt 1, next in 1s (giving up in 2m)");
            assertThat(waiting).doesNotContain("Admin token", "LwM2M server:", "serving until");
            assertThat(dir.resolve("data").resolve("server-identity.p12")).as("no identity before the database")
                    .doesNotExist();
            assertThat(get(httpPort, "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(httpPort, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"database\"").contains("waiting for the database: it refused the "
                    + "connection");
            HttpResponse<String> api = get(httpPort, "/api/devices");
            assertThat(api.statusCode()).isEqualTo(503);
            assertThat(api.body()).contains("\"error\"").contains("starting");

            try (TcpForwarder database = new TcpForwarder(dbPort, "127.0.0.1", 5432)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> output().contains("serving until Ctrl-C"));
                assertThat(output()).contains("Admin token: pft_").contains("answers: starting");
                assertThat(get(httpPort, "/health/ready").statusCode()).isEqualTo(200);

                server.toHandle().destroy();
                assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            String output = output();
            assertThat(server.exitValue()).as(output).isZero();
            assertThat(output).doesNotContain(PASSWORD).doesNotContain("\tat ").doesNotContain("Exception");
        } finally {
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    @Timeout(120)
    void a_database_that_stays_down_ends_the_start_after_db_wait_with_one_line() throws Exception {
        int dbPort = freeTcpPort();
        server = start("--db", "jdbc:postgresql://127.0.0.1:" + dbPort + "/test?user=postgres&password=" + PASSWORD,
                "--http-port", "0", "--db-wait", "3s");
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();

        String output = output();
        assertThat(server.exitValue()).as(output).isEqualTo(1);
        assertThat(output).contains("portfolio: the inventory database jdbc:postgresql://127.0.0.1:" + dbPort
                + "/test?user=postgres&password=*** is still unreachable after 3s (it refused the connection): "
                + "start it, or wait longer for it");
        assertThat(output).doesNotContain(PASSWORD, "Admin token", "\tat ", "Exception");
        assertThat(dir.resolve("data").resolve("server-identity.p12")).doesNotExist();
    }

    @Test
    @Timeout(120)
    void sigterm_while_waiting_for_the_database_stops_at_once_with_0() throws Exception {
        server = start("--db", "jdbc:postgresql://127.0.0.1:" + freeTcpPort() + "/test?user=postgres",
                "--http-port", "0", "--db-wait", "10m");
        await().atMost(Duration.ofSeconds(30)).until(() -> output().contains("attempt 1, next in 1s"));

        server.toHandle().destroy();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).as(output()).isZero();
        assertThat(output()).contains("stopped (SIGTERM) while waiting for the database, before serving")
                .doesNotContain("Admin token", "\tat ");
        assertThat(dir.resolve("data").resolve("server-identity.p12")).doesNotExist();
    }

    @Test
    @Timeout(120)
    void db_wait_0_fails_at_once() throws Exception {
        int dbPort = freeTcpPort();
        server = start("--db", "jdbc:postgresql://127.0.0.1:" + dbPort + "/test?user=postgres", "--http-port", "0",
                "--db-wait", "0");
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();

        String output = output();
        assertThat(server.exitValue()).as(output).isEqualTo(1);
        assertThat(output).contains("portfolio: the inventory database jdbc:postgresql://127.0.0.1:" + dbPort
                + "/test?user=postgres is unreachable (it refused the connection)")
                .doesNotContain("waiting for the database");
    }

    @Test
    @Timeout(120)
    void a_port_taken_stops_the_start_before_data_identity_or_token_are_made() throws Exception {
        try (ServerSocket http = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                DatagramSocket coap = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            server = start("--http-port", String.valueOf(http.getLocalPort()));
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).as(output()).isEqualTo(1);
            assertThat(output()).contains("portfolio: REST API port " + http.getLocalPort() + " on 127.0.0.1 cannot "
                    + "be bound").doesNotContain("Admin token", "\tat ");
            assertThat(dir.resolve("data")).as("nothing made").doesNotExist();

            server = start("--coap-port", String.valueOf(coap.getLocalPort()), "--http-port", "0");
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).as(output()).isEqualTo(1);
            assertThat(output()).contains("portfolio: CoAP port " + coap.getLocalPort() + " on 127.0.0.1 cannot "
                    + "be bound").doesNotContain("Admin token", "\tat ");
            assertThat(dir.resolve("data")).as("nothing made").doesNotExist();
        }
    }

    /** The server on loopback, its CoAP ports free ones unless given. */
    private Process start(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), PortfolioCommand.class.getName(),
                "server", "--bind", "127.0.0.1", "--coaps-port", "0", "--data", dir.resolve("data").toString()));
        if (!List.of(options).contains("--coap-port")) {
            command.addAll(List.of("--coap-port", "0"));
        }
        command.addAll(List.of(options));
        Files.deleteIfExists(dir.resolve("out"));
        Files.deleteIfExists(dir.resolve("err"));
        return new ProcessBuilder(command).redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile()).start();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
    }

    private String output() throws Exception {
        return read(dir.resolve("out")) + read(dir.resolve("err"));
    }

    private static String read(Path file) throws Exception {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private static int freeTcpPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void execute(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(POSTGRES);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
