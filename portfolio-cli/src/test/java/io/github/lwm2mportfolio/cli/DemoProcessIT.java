package io.github.lwm2mportfolio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

            process.toHandle().destroy(); // SIGTERM, as Ctrl-C
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
    }
}
