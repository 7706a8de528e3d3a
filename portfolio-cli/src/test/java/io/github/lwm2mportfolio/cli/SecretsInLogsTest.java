package io.github.lwm2mportfolio.cli;

import static io.github.lwm2mportfolio.cli.ProcessTexts.group;
import static io.github.lwm2mportfolio.cli.ProcessTexts.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.cli.simulate.SimulatorAuthority;

/**
 * {@code portfolio server} and a DTLS-PSK fleet from {@code portfolio simulate}, as processes: the whole log output
 * of both holds none of the secrets (PSKs, the admin token but for the one line that shows it, the key store's
 * password, the sealing key, the database password of the JDBC URL), with our own loggers and the connection
 * pool's at DEBUG; the server logs to a file in JSON lines.
 */
class SecretsInLogsTest {

    private static final long SEED = 11;
    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void no_secret_reaches_the_log_of_the_server_or_the_simulator() throws Exception {
        Path trust = dir.resolve("trust");
        SimulatorAuthority.fromSeed(SEED).writeCertificate(trust);
        Path data = dir.resolve("server");
        Path serverLog = dir.resolve("server.out");
        Path logFile = dir.resolve("logs/server.log");
        String schema = "secrets_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        sql("CREATE SCHEMA " + schema);
        String dbPassword = "Db-Passw0rd-" + UUID.randomUUID();
        Process server = start(serverLog, Map.of(), "server", "--bind", "127.0.0.1", "--coap-port", "0",
                "--coaps-port", "0", "--http-port", "0", "--data", data.toString(), "--trust", trust.toString(),
                "--db", POSTGRES + "&password=" + dbPassword + "&currentSchema=" + schema, "--log-file",
                logFile.toString(), "--log-format", "json");
        Process simulator = null;
        Path simulatorLog = dir.resolve("simulate.log");
        Path pskFile = dir.resolve("psk.csv");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> read(serverLog).contains("serving until Ctrl-C"));
            String output = read(serverLog);
            String token = group(output, "(?m)^Admin token: (pft_\\S+)$");
            String coaps = group(output, "(?m)^LwM2M server: (coaps://\\S+) \\(plain CoAP off\\)$");
            String api = group(output, "REST API: +(http://\\S+)/api/devices");

            simulator = start(simulatorLog, Map.of("PORTFOLIO_TOKEN", token), "simulate", "--clients", "3", "--seed",
                    String.valueOf(SEED), "--server", coaps, "--api", api, "--psk-file", pskFile.toString(),
                    "--prefix", "sec-");
            HttpClient http = HttpClient.newHttpClient();
            try {
                await().atMost(Duration.ofSeconds(90)).until(() -> http.send(HttpRequest.newBuilder(
                        URI.create(api + "/api/devices")).header("Authorization", "Bearer " + token).build(),
                        BodyHandlers.ofString()).body().split("\"outcome\":\"VERIFIED\"", -1).length - 1 == 3);
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("not verified; server:\n" + read(serverLog) + "\nsimulator:\n"
                        + read(simulatorLog), e);
            }
            // failures that get logged: a wrong token, a key refused
            http.send(HttpRequest.newBuilder(URI.create(api + "/api/devices")).header("Authorization",
                    "Bearer pft_" + "x".repeat(43)).build(), BodyHandlers.ofString());
            http.send(HttpRequest.newBuilder(URI.create(api + "/api/credentials/sec-000000")).header("Authorization",
                    "Bearer " + token).header("Content-Type", "application/json").PUT(BodyPublishers.ofString(
                            "{\"kind\":\"PSK\",\"pskIdentity\":\"x\",\"pskKeyHex\":\"0badc0de\"}")).build(),
                    BodyHandlers.ofString());

            stop(simulator);
            stop(server);

            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pskFile))).isEqualTo("rw-------");
            List<String> secrets = secrets(pskFile, data);
            assertThat(secrets).hasSize(3 * 3 + 3);
            secrets.add(dbPassword);
            List<String> logLines = Files.readAllLines(logFile);
            for (String line : logLines) {
                JsonNode event = JSON.readTree(line);
                assertThat(event.fieldNames()).toIterable().as(line).contains("time", "level", "logger", "thread",
                        "message");
            }
            String serverOutput = read(serverLog) + String.join("\n", logLines);
            String simulatorOutput = read(simulatorLog);
            assertThat(serverOutput).contains("credential of sec-000002 set by token 'admin'");
            assertThat(simulatorOutput).contains("gave the server the pre-shared keys of the 3 devices");
            for (String secret : secrets) {
                assertThat(serverOutput).doesNotContain(secret);
                assertThat(simulatorOutput).doesNotContain(secret);
            }
            assertThat(serverOutput.split(Pattern.quote(token), -1)).as("the admin token shown once").hasSize(2);
            assertThat(simulatorOutput).doesNotContain(token);
            Path trace = data.resolve("inventory.trace.db");
            if (Files.exists(trace)) {
                for (String secret : secrets) {
                    assertThat(read(trace)).doesNotContain(secret);
                }
            }
        } finally {
            if (simulator != null) {
                simulator.destroyForcibly();
            }
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
            sql("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private static void sql(String statement) throws Exception {
        try (Connection connection = DriverManager.getConnection(POSTGRES);
                Statement sql = connection.createStatement()) {
            sql.execute(statement);
        }
    }

    /** Each PSK in hex (both cases) and base64, the key store's password, the sealing key in hex and base64. */
    private static List<String> secrets(Path pskFile, Path data) throws Exception {
        List<String> secrets = new ArrayList<>();
        List<String> lines = Files.readAllLines(pskFile);
        for (String line : lines.subList(1, lines.size())) {
            String hex = line.split(",")[2];
            secrets.add(hex.toLowerCase());
            secrets.add(hex.toUpperCase());
            secrets.add(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex)));
        }
        secrets.add(Files.readString(data.resolve("server-identity.p12.password")).strip());
        byte[] sealingKey = Files.readAllBytes(data.resolve("inventory.key"));
        secrets.add(HexFormat.of().formatHex(sealingKey));
        secrets.add(Base64.getEncoder().encodeToString(sealingKey));
        return secrets;
    }

    private static Process start(Path log, Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dportfolio.log.level.io.github.lwm2mportfolio=debug",
                "-Dportfolio.log.level.com.zaxxer.hikari=debug", "-Dportfolio.log.level.org.flywaydb=info", "-cp",
                System.getProperty("java.class.path"), PortfolioCommand.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static void stop(Process process) throws Exception {
        process.toHandle().destroy(); // SIGTERM, as Ctrl-C
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
}
