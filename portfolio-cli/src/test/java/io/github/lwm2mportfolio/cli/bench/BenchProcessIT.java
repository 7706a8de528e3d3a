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
}
