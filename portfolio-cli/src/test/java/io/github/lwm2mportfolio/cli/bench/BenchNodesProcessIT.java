package io.github.lwm2mportfolio.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.cli.simulate.SourceHashBalancer;
import io.github.lwm2mportfolio.server.redis.SharedRedis;

/**
 * Ours as two nodes sharing PostgreSQL and Redis, as a user runs the bench: the simulator spreads 20 devices over
 * them, each node collects its own, every device is collected once, and the run's schema and keys are gone after.
 * Needs the PostgreSQL and Redis of these machines and of CI; skipped without them, failed in CI.
 */
class BenchNodesProcessIT {

    private static final String POSTGRES = System.getProperty("portfolio.test.postgres",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    private static final String REDIS = "redis://127.0.0.1:6379";
    private static final int CLIENTS = 20;

    @TempDir
    Path out;

    @Test
    @Timeout(600)
    void two_nodes_collect_every_device_once() throws Exception {
        reachable(5432, "PostgreSQL");
        reachable(6379, "Redis");
        Path results = out.resolve("results");
        Path jar = Path.of(System.getProperty("portfolio.jar"));
        Path terminal = out.resolve("terminal.txt");
        // No warm-up: a warm-up device may deregister before its verdict, and here every verdict is counted.
        Process bench = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "bench", "--clients", String.valueOf(CLIENTS), "--runs", "1", "--warmup", "0",
                "--modes", "portfolio", "--loads", "flat", "--nodes", "2", "--db", POSTGRES, "--redis", REDIS,
                "--timeout", "PT3M", "--out", results.toString())).redirectErrorStream(true)
                .redirectOutput(terminal.toFile()).start();
        try {
            assertThat(bench.waitFor(540, TimeUnit.SECONDS)).as("bench finished").isTrue();
            String output = Files.readString(terminal, StandardCharsets.UTF_8);
            assertThat(bench.exitValue()).as(output).isZero();
            assertThat(output).contains("Portfolio, 2 nodes");
        } finally {
            bench.destroyForcibly();
        }

        JsonNode run = new ObjectMapper().readTree(results.resolve("results.json").toFile()).get("runs").get(0);
        assertThat(run.get("failure").isNull()).as(run.toString()).isTrue();
        assertThat(run.get("spec").get("nodes").asInt()).isEqualTo(2);
        assertThat(run.get("server").get("completed").asInt()).isEqualTo(CLIENTS);
        assertThat(run.get("server").get("cpuSecondsPerDevice").asDouble()).isPositive();
        int[] spread = SourceHashBalancer.counts("sim-", CLIENTS, 2);
        assertThat(spread).doesNotContain(0); // both nodes have work
        JsonNode nodes = run.get("nodes");
        assertThat(nodes).hasSize(2);
        for (int node = 0; node < 2; node++) {
            assertThat(nodes.get(node).get("node").asText()).isEqualTo(node == 0 ? "a" : "b");
            assertThat(nodes.get(node).get("server").get("clients").asInt()).isEqualTo(spread[node]);
            assertThat(nodes.get(node).get("server").get("completed").asInt()).isEqualTo(spread[node]);
        }
        // Once: one device row and one verdict per device, though both nodes saw every registration's events.
        JsonNode storage = run.get("storage");
        assertThat(rows(storage, "devices")).isEqualTo(CLIENTS);
        assertThat(rows(storage, "verifications")).isEqualTo(CLIENTS);
        assertThat(storage.get("redisBytes").asLong()).isPositive();
        assertThat(storage.get("redis").findValuesAsText("kind")).contains("reg", "obs");
        assertThat(storage.get("postgresBytes").asLong()).isPositive();
        assertThat(schemaExists(storage.get("schema").asText())).as("the run's schema is dropped").isFalse();
        try (SharedRedis redis = SharedRedis.connect(REDIS, storage.get("redisPrefix").asText(), "test")) {
            assertThat(redis.commands().keys(storage.get("redisPrefix").asText() + "*")).as("the run's keys").isEmpty();
        }
    }

    private static long rows(JsonNode storage, String table) {
        for (JsonNode t : storage.get("postgres")) {
            if (t.get("name").asText().equals(table)) {
                return t.get("rows").asLong();
            }
        }
        throw new AssertionError("no table " + table + " in " + storage);
    }

    private static boolean schemaExists(String schema) throws Exception {
        try (Connection connection = DriverManager.getConnection(POSTGRES);
                PreparedStatement query = connection.prepareStatement(
                        "SELECT count(*) FROM pg_namespace WHERE nspname = ?")) {
            query.setString(1, schema);
            try (ResultSet count = query.executeQuery()) {
                count.next();
                return count.getLong(1) > 0;
            }
        }
    }

    private static void reachable(int port, String what) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        } catch (IOException e) {
            String reason = "no " + what + " on 127.0.0.1:" + port + " (" + e.getMessage() + ")";
            if (System.getenv("CI") != null) {
                throw new AssertionError(reason + ": CI must run the bench's nodes on it", e);
            }
            assumeTrue(false, reason + ": skipped");
        }
    }
}
