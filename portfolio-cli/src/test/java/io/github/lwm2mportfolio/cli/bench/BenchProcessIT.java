package io.github.lwm2mportfolio.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * CI's smoke run of the fleet benchmark, as a user runs it: {@code java -jar portfolio.jar bench} with 50 clients
 * and one run completes and writes its outputs. It checks no timing: benchmarks are not tests.
 */
class BenchProcessIT {

    @TempDir
    Path out;

    @Test
    @Timeout(600)
    void a_short_bench_run_completes_and_writes_its_results() throws Exception {
        Path jar = Path.of(System.getProperty("portfolio.jar"));
        assertThat(Files.isRegularFile(jar)).as("fat jar " + jar).isTrue();
        Path terminal = out.resolve("terminal.txt");
        Path results = out.resolve("results");
        Process bench = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "bench", "--clients", "50", "--runs", "1", "--warmup", "20", "--timeout", "PT2M", "--out",
                results.toString())).redirectErrorStream(true).redirectOutput(terminal.toFile()).start();
        try {
            assertThat(bench.waitFor(540, TimeUnit.SECONDS)).as("bench finished").isTrue();
            String output = Files.readString(terminal, StandardCharsets.UTF_8);
            assertThat(bench.exitValue()).as(output).isZero();
            assertThat(output).contains("bare Leshan", "floor", "Portfolio", "ours/bare", "ours/floor");
        } finally {
            bench.destroyForcibly();
        }

        JsonNode json = new ObjectMapper().readTree(results.resolve("results.json").toFile());
        List<String> modes = new ArrayList<>();
        for (JsonNode run : json.get("runs")) {
            modes.add(run.get("spec").get("mode").asText());
            assertThat(run.get("failure").isNull()).as(run.toString()).isTrue();
            assertThat(run.get("server").get("completed").asInt()).isEqualTo(50);
            assertThat(run.get("simulator").get("registered").asInt()).isEqualTo(50);
        }
        assertThat(modes).containsExactly("baseline", "floor", "portfolio", "baseline", "floor", "portfolio");
        assertThat(json.get("medians")).hasSize(6);
        assertThat(json.get("ratios")).hasSize(4);
        assertThat(json.get("ratios").findValuesAsText("reference")).containsExactly("baseline", "floor", "baseline",
                "floor");
        assertThat(ImageIO.read(results.resolve("chart.png").toFile())).isNotNull();
    }

    /**
     * The storm load over DTLS: 20 clients register, are collected, then register again at once; every server
     * counts the second wave and the first is kept beside it.
     */
    @Test
    @Timeout(600)
    void a_reregister_run_over_dtls_reports_the_second_wave_of_every_server() throws Exception {
        Path results = out.resolve("storm");
        String output = runBench("--clients", "20", "--loads", "reregister", "--transport", "dtls", "--runs", "1",
                "--warmup", "10", "--timeout", "PT2M", "--out", results.toString());

        assertThat(output).contains("reregister", "DTLS-PSK", "ours/bare", "ours/floor");
        JsonNode json = new ObjectMapper().readTree(results.resolve("results.json").toFile());
        assertThat(json.get("settings").get("transports").toString()).isEqualTo("[\"dtls\"]");
        List<String> modes = new ArrayList<>();
        for (JsonNode run : json.get("runs")) {
            modes.add(run.get("spec").get("mode").asText());
            assertThat(run.get("spec").get("load").asText()).isEqualTo("reregister");
            assertThat(run.get("spec").get("transport").asText()).isEqualTo("dtls");
            assertThat(run.get("failure").isNull()).as(run.toString()).isTrue();
            assertThat(run.get("firstWave").get("completed").asInt()).isEqualTo(20);
            assertThat(run.get("server").get("completed").asInt()).isEqualTo(20);
            assertThat(run.get("server").get("devicesPerSecond").asDouble()).isPositive();
            assertThat(run.get("server").get("cpuSecondsPerDevice").asDouble()).isPositive();
        }
        assertThat(modes).containsExactly("baseline", "floor", "portfolio");
        JsonNode ours = json.get("medians").get(2);
        assertThat(ours.get("mode").asText()).isEqualTo("portfolio");
        assertThat(ours.get("transport").asText()).isEqualTo("dtls");
        assertThat(ours.get("runs").asInt()).isEqualTo(1);
        assertThat(json.get("ratios").findValuesAsText("reference")).containsExactly("baseline", "floor");
        assertThat(json.get("ratios").get(0).get("throughput").asDouble()).isPositive();
    }

    /** {@code java -jar portfolio.jar bench OPTIONS}: its terminal output, once it exited 0. */
    private String runBench(String... options) throws Exception {
        Path jar = Path.of(System.getProperty("portfolio.jar"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toString(), "bench"));
        command.addAll(List.of(options));
        Path terminal = out.resolve("terminal-" + System.nanoTime() + ".txt");
        Process bench = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(terminal.toFile())
                .start();
        try {
            assertThat(bench.waitFor(540, TimeUnit.SECONDS)).as("bench finished").isTrue();
            String output = Files.readString(terminal, StandardCharsets.UTF_8);
            assertThat(bench.exitValue()).as(output).isZero();
            return output;
        } finally {
            bench.destroyForcibly();
        }
    }
}
