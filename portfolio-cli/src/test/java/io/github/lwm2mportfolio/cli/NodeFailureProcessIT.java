package io.github.lwm2mportfolio.cli;

import static io.github.lwm2mportfolio.cli.ProcessTexts.freeUdpPort;
import static io.github.lwm2mportfolio.cli.ProcessTexts.group;
import static io.github.lwm2mportfolio.cli.ProcessTexts.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.cli.simulate.SimulatorAuthority;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.inventory.SecretSealer;
import io.github.lwm2mportfolio.server.redis.TestPostgres;
import io.github.lwm2mportfolio.server.redis.TestRedis;
import io.github.lwm2mportfolio.server.testing.UdpBalancer;

/**
 * Issue 15, a node killed in the middle of collections: two {@code portfolio server} processes of the packaged
 * jar share a PostgreSQL schema and a Redis prefix behind a UDP balancer; a simulated fleet registers through
 * the balancer to node a, which is killed with SIGKILL while it collects. The balancer then sends the fleet to
 * node b: each device's next Update is answered 4.04 once node a's announcement has expired, the device
 * registers again on b, and b collects it once node a's leases have expired. At the end every device is
 * VERIFIED, registered to node b (b's own verify reaches it), has one device row, and no verification row was
 * lost or recorded twice.
 */
class NodeFailureProcessIT {

    private static final int CLIENTS = 30;
    private static final long SEED = 11;
    private static final String PREFIX = "failover-";
    /** The nodes' announcement and collection-lease time to live, shortened for the test (30 s in production). */
    private static final String CLUSTER_TTL = "PT8S";

    @TempDir
    Path dir;

    private TestRedis redis;
    private TestPostgres postgres;
    private UdpBalancer balancer;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void open() {
        redis = TestRedis.open();
        postgres = TestPostgres.open();
    }

    @AfterEach
    void close() throws Exception {
        processes.forEach(Process::destroyForcibly);
        for (Process process : processes) {
            process.waitFor(20, TimeUnit.SECONDS);
        }
        // What the processes said, kept for a look after a failure.
        Path kept = Files.createDirectories(Path.of("target", "node-failure-it"));
        try (var outputs = Files.newDirectoryStream(dir, "*.{out,err}")) {
            for (Path output : outputs) {
                Files.copy(output, kept.resolve(output.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (balancer != null) {
            balancer.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private record Node(Process process, int coapPort, String api) {
    }

    @Test
    @Timeout(170)
    void a_node_killed_while_collecting_leaves_every_device_verified_once_on_the_other_node() throws Exception {
        Path trust = dir.resolve("trust");
        SimulatorAuthority.fromSeed(SEED).writeCertificate(trust);
        Node a = startNode("a", trust);
        String token = group(output("a"), "(?m)^Admin token: (pft_\\S+)$");
        // An operator copies the inventory's key and the server identity to every node.
        Files.createDirectories(dir.resolve("b"));
        for (String file : List.of(SecretSealer.KEY_FILE_NAME, "server-identity.p12", "server-identity.p12.password")) {
            Files.copy(dir.resolve("a").resolve(file), dir.resolve("b").resolve(file));
        }
        Node b = startNode("b", trust);
        balancer = new UdpBalancer(new InetSocketAddress(InetAddress.getLoopbackAddress(), a.coapPort()));

        start("simulator", "simulate", "--clients", String.valueOf(CLIENTS), "--seed", String.valueOf(SEED),
                "--server", "coap://127.0.0.1:" + balancer.port(), "--prefix", PREFIX, "--rate", "3",
                "--lifetime", "30", "--data", dir.resolve("clients").toString());

        // Node a collects; it is killed part-way.
        await().atMost(Duration.ofSeconds(90)).until(() -> count("SELECT count(DISTINCT endpoint) FROM verifications "
                + "WHERE outcome = 'VERIFIED'") >= CLIENTS / 4);
        long killedAt = System.currentTimeMillis();
        new ProcessBuilder("kill", "-9", String.valueOf(a.process().pid())).start().waitFor(10, TimeUnit.SECONDS);
        assertThat(a.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(a.process().exitValue()).isEqualTo(137); // 128 + SIGKILL
        balancer.sendTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.coapPort()));
        Set<Long> recordedBeforeTheKill = ids("SELECT id FROM verifications");
        long verifiedBeforeTheKill = count("SELECT count(DISTINCT endpoint) FROM verifications "
                + "WHERE outcome = 'VERIFIED'");
        assertThat(verifiedBeforeTheKill).as("killed in the middle of the collections").isLessThan(CLIENTS);

        // Every device registers again (on node b, the only one alive) and is verified since.
        await().atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofSeconds(1)).until(() -> count(
                "SELECT count(*) FROM devices WHERE endpoint LIKE '" + PREFIX + "%' AND online AND registered_at > "
                        + killedAt + " AND verification_outcome = 'VERIFIED' AND verified_at >= registered_at")
                == CLIENTS);
        assertThat(verifiedOnB(b, token)).isEqualTo(CLIENTS);

        // One device row per endpoint; every device's last verification is VERIFIED.
        assertThat(count("SELECT count(*) FROM devices WHERE endpoint LIKE '" + PREFIX + "%'")).isEqualTo(CLIENTS);
        assertThat(count("SELECT count(DISTINCT endpoint) FROM devices WHERE endpoint LIKE '" + PREFIX + "%'"))
                .isEqualTo(CLIENTS);
        assertThat(count("SELECT count(*) FROM devices d WHERE NOT d.online OR (SELECT v.outcome FROM verifications v "
                + "WHERE v.endpoint = d.endpoint ORDER BY v.verified_at DESC, v.id DESC LIMIT 1) <> 'VERIFIED'"))
                .as("offline devices or ones whose last verification is not VERIFIED").isZero();
        // No verification lost (node a's rows are all there) nor recorded twice (one row per AuthData counter).
        assertThat(ids("SELECT id FROM verifications")).containsAll(recordedBeforeTheKill);
        assertThat(count("SELECT count(*) FROM (SELECT endpoint, counter FROM verifications WHERE counter IS NOT NULL "
                + "GROUP BY endpoint, counter HAVING count(*) > 1) twice")).as("AuthData counters recorded twice")
                .isZero();
        // Each device's identities, whole: as many as every other device's.
        Map<String, Long> identities = counts("SELECT endpoint, count(*) FROM identities GROUP BY endpoint");
        assertThat(identities).hasSize(CLIENTS);
        assertThat(new HashSet<>(identities.values())).hasSize(1).allMatch(n -> n > 0);

        // Registered to node b: its own verify reaches each device (a device of another node answers 421).
        for (int i = 0; i < CLIENTS; i++) {
            HttpResponse<String> verify = http.send(HttpRequest.newBuilder(URI.create(b.api() + "/api/devices/"
                    + endpoint(i) + "/verify")).header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(60)).build(),
                    BodyHandlers.ofString());
            assertThat(verify.statusCode()).as(verify.body()).isEqualTo(200);
            assertThat(json.readTree(verify.body()).path("outcome").asText()).as(verify.body()).isEqualTo("VERIFIED");
        }
        assertThat(output("b")).contains("no longer alive: removed, its update answered 4.04");
    }

    private static String endpoint(int i) {
        return String.format("%s%06d", PREFIX, i);
    }

    /** The devices whose last verification node b's REST API shows VERIFIED, online. */
    private int verifiedOnB(Node b, String token) throws Exception {
        HttpResponse<String> listed = http.send(HttpRequest.newBuilder(URI.create(b.api() + "/api/devices?size=100"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(20)).build(),
                BodyHandlers.ofString());
        if (listed.statusCode() != 200) {
            return 0;
        }
        int verified = 0;
        for (JsonNode device : json.readTree(listed.body()).path("items")) {
            if (device.path("endpoint").asText().startsWith(PREFIX) && device.path("online").asBoolean()
                    && device.path("lastVerification").path("outcome").asText().equals("VERIFIED")) {
                verified++;
            }
        }
        return verified;
    }

    private Node startNode(String name, Path trust) throws Exception {
        int coapPort = freeUdpPort();
        Process process = start(name, "-Xmx256m", "-D" + PortfolioServer.CLUSTER_TTL_PROPERTY + "=" + CLUSTER_TTL,
                "server", "--bind", "127.0.0.1", "--coap-port", String.valueOf(coapPort), "--coaps-port", "0",
                "--http-port", "0", "--data", dir.resolve(name).toString(), "--db", postgres.jdbcUrl(), "--redis",
                TestRedis.URI, "--redis-prefix", redis.prefix(), "--node", name, "--trust", trust.toString());
        await().atMost(Duration.ofSeconds(90)).until(() -> output(name).contains("serving until Ctrl-C")
                || !process.isAlive());
        assertThat(process.isAlive()).as(output(name)).isTrue();
        return new Node(process, coapPort, group(output(name), "REST API: +(http://\\S+)/api/devices"));
    }

    /** Runs the packaged jar: JVM options first (those starting with -), then the command. */
    private Process start(String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        int i = 0;
        while (i < args.length && args[i].startsWith("-")) {
            command.add(args[i++]);
        }
        command.addAll(List.of("-jar", System.getProperty("portfolio.jar")));
        command.addAll(List.of(args).subList(i, args.length));
        Process process = new ProcessBuilder(command).redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile()).start();
        processes.add(process);
        return process;
    }

    private String output(String name) throws Exception {
        return read(dir.resolve(name + ".out")) + read(dir.resolve(name + ".err"));
    }

    private long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Set<Long> ids(String sql) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private Map<String, Long> counts(String sql) throws SQLException {
        Map<String, Long> counts = new HashMap<>();
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }
}
