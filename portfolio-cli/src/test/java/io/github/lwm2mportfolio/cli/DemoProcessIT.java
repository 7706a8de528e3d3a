package io.github.lwm2mportfolio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar portfolio.jar demo} as a user runs it: it reaches the settled table and stops on SIGTERM. */
class DemoProcessIT {

    @TempDir
    Path dataDir;

    @Test
    @Timeout(120)
    void the_fat_jar_demo_reaches_the_settled_fleet_table() throws Exception {
        Path jar = Path.of(System.getProperty("portfolio.jar"));
        assertThat(Files.isRegularFile(jar)).as("fat jar " + jar).isTrue();
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toString(), "demo", "--clients", "6", "--http-port", "0", "--coap-port",
                "0", "--coaps-port", "0", "--data", dataDir.toString())).redirectErrorStream(true).start();
        StringBuilder seen = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.startsWith("serving until Ctrl-C")) {
                    break;
                }
            }
            assertThat(seen).contains("collection settled:", "demo-000", "COMPLIANT", "REST API:");
            Matcher token = Pattern.compile("(?m)^Admin token: (pft_\\S+)$").matcher(seen);
            Matcher api = Pattern.compile("REST API: +(http://\\S+)/api/devices").matcher(seen);
            assertThat(token.find()).as(seen.toString()).isTrue();
            assertThat(api.find()).as(seen.toString()).isTrue();
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest.Builder devices = HttpRequest.newBuilder(URI.create(api.group(1) + "/api/devices"));
            assertThat(http.send(devices.build(), BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            HttpResponse<String> reply = http.send(devices.header("Authorization", "Bearer " + token.group(1))
                    .build(), BodyHandlers.ofString());
            assertThat(reply.statusCode()).isEqualTo(200);
            assertThat(reply.body()).contains("demo-000");
            // the console's one-time login link, the first line after the start, logs in once
            Matcher console = Pattern.compile("(?m)^Console: +(http://\\S+)/#login=(\\S+)  \\(one-time")
                    .matcher(seen);
            assertThat(console.find()).as(seen.toString()).isTrue();
            assertThat(seen.toString().lines().dropWhile(l -> !l.startsWith("Console:")).skip(1).findFirst())
                    .hasValueSatisfying(next -> assertThat(next).startsWith("LwM2M server:"));
            HttpRequest login = HttpRequest.newBuilder(URI.create(console.group(1) + "/console/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + console.group(2) + "\"}")).build();
            HttpResponse<String> session = http.send(login, BodyHandlers.ofString());
            assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
            assertThat(http.send(login, BodyHandlers.ofString()).statusCode()).isEqualTo(401);

            process.toHandle().destroy(); // SIGTERM, as Ctrl-C
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String rest = String.join("\n", lines.lines().toList());
            assertThat(process.exitValue()).as("a stop asked for is not a failure: " + rest).isZero();
            assertThat(rest).contains("stopping (SIGTERM): ", "stopped: ").doesNotContain("\tat ");
        } finally {
            process.destroyForcibly();
        }
    }
}
