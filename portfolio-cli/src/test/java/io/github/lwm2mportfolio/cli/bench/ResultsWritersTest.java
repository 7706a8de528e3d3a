package io.github.lwm2mportfolio.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.text.AttributedCharacterIterator;
import java.text.CharacterIterator;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.imageio.ImageIO;

import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogTick;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.Tick;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The table, results.json and chart.png from a fixed set of runs. */
class ResultsWritersTest {

    private static final BenchSettings SETTINGS = new BenchSettings(List.of(100, 1000), 100, 3,
            List.of(BenchMode.BASELINE, BenchMode.FLOOR, BenchMode.PORTFOLIO), List.of(BenchLoad.RATE, BenchLoad.FLAT),
            List.of(BenchTransport.COAP), 600, 1000);
    private static final MachineInfo MACHINE = new MachineInfo(2, "AMD EPYC", "17.0.15+6, OpenJDK 64-Bit Server VM",
            "Linux 6.1 amd64", "abc1234", "server JVM pinned to CPU 0, simulator JVM to CPU 1 (taskset)", 0.5);
    private static final byte[] PNG_SIGNATURE = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

    @TempDir
    Path out;

    /**
     * Three runs of everything. Baseline: 1,000 devices/s flat, 100 rate, 0.2 ms CPU. Floor: 800 flat, 100 rate,
     * 0.4 ms CPU. Ours: 400 flat, 100 rate, 0.8 ms CPU; the runs differ by +-10% so that the medians are the middle runs. Ours at N = 1000 flat run 3
     * failed (a device refused), its figures still count.
     */
    private static List<RunResult> results() {
        List<RunResult> results = new ArrayList<>();
        for (RunSpec spec : SETTINGS.plan()) {
            boolean ours = spec.mode() == BenchMode.PORTFOLIO;
            boolean floor = spec.mode() == BenchMode.FLOOR;
            double spread = 1 + (spec.run() - 2) * 0.1;
            double rate = spec.load() == BenchLoad.RATE ? 100 : ours ? 400 : floor ? 800 : 1000;
            double p50 = ours ? 20 : 1;
            int failed = ours && spec.clients() == 1000 && spec.load() == BenchLoad.FLAT && spec.run() == 3 ? 1 : 0;
            ServerResult server = new ServerResult(spec.mode().id(), spec.clients(), spec.clients() - failed, failed,
                    failed == 0 ? List.of() : List.of("sim-7: verdict FAILED: bad signature"), false,
                    spec.clients() / rate, rate * spread, p50 * spread, 2 * p50 * spread, 3 * p50,
                    (ours ? 0.8e-3 : floor ? 0.4e-3 : 0.2e-3) * spread, 0, 0);
            SimulatorStats simulator = new SimulatorStats(spec.clients(), spec.clients(), 20, 40,
                    10L << 20, (10L << 20) + spec.clients() * 20_480L, 20_480 * spread, 20.0 / spec.clients());
            results.add(new RunResult(spec, failed == 0 ? null : "1 device failed: sim-7: verdict FAILED", server,
                    null, simulator));
        }
        results.add(new RunResult(new RunSpec(100, BenchMode.PORTFOLIO, BenchLoad.RATE, BenchTransport.COAP, 4),
                "simulator exited with code 1 before RESULT", null, null, null));
        return results;
    }

    @Test
    void the_table_shows_medians_ratios_and_failed_runs() {
        List<RunResult> results = results();
        String table = ResultsTable.render(SETTINGS, MACHINE, BenchSummary.of(SETTINGS, results), results);

        assertThat(table).contains("2 CPUs (AMD EPYC)", "commit abc1234",
                "server JVM pinned to CPU 0, simulator JVM to CPU 1 (taskset)");
        assertThat(table).containsPattern("flat\\s+CoAP\\s+1,000\\s+bare Leshan\\s+1,000\\.0\\s+1\\.00\\s+2\\.00\\s+0\\.200\\s+20\\.0\\s+0\\.0200\\s+3");
        assertThat(table).containsPattern("flat\\s+CoAP\\s+1,000\\s+Portfolio\\s+400\\.0\\s+20\\.00\\s+40\\.00\\s+0\\.800");
        assertThat(table).containsPattern("flat\\s+CoAP\\s+1,000\\s+ours/bare\\s+0\\.40\\s+4\\.00");
        assertThat(table).containsPattern("rate\\s+CoAP\\s+100\\s+ours/bare\\s+1\\.00\\s+4\\.00");
        assertThat(table).containsPattern("flat\\s+CoAP\\s+1,000\\s+floor\\s+800\\.0\\s+1\\.00\\s+2\\.00\\s+0\\.400");
        assertThat(table).containsPattern("flat\\s+CoAP\\s+1,000\\s+ours/floor\\s+0\\.50\\s+2\\.00");
        assertThat(table).contains("2 runs failed:", "N=1000 flat run 3 portfolio: 1 device failed",
                "N=100 rate run 4 portfolio: simulator exited with code 1 before RESULT");
    }

    @Test
    void results_json_holds_every_run_the_machine_and_the_medians() throws Exception {
        List<RunResult> results = results();
        Path file = out.resolve("results.json");
        ResultsJson.write(file, Instant.parse("2026-11-28T06:00:00Z"), SETTINGS, MACHINE, results,
                BenchSummary.of(SETTINGS, results));

        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.get("startedAt").asText()).isEqualTo("2026-11-28T06:00:00Z");
        assertThat(json.get("machine").get("nproc").asInt()).isEqualTo(2);
        assertThat(json.get("machine").get("pinning").asText()).contains("taskset");
        assertThat(json.get("settings").get("modes").toString()).isEqualTo("[\"baseline\",\"floor\",\"portfolio\"]");
        assertThat(json.get("runs")).hasSize(37);
        JsonNode failedRun = json.get("runs").get(36);
        assertThat(failedRun.get("failure").asText()).contains("simulator exited");
        assertThat(failedRun.get("server").isNull()).isTrue();

        assertThat(json.get("medians")).hasSize(12);
        JsonNode oursFlat = find(json.get("medians"), 1000, "flat", "portfolio");
        assertThat(oursFlat.get("runs").asInt()).isEqualTo(3);
        assertThat(oursFlat.get("devicesPerSecond").asDouble()).isCloseTo(400, within(1e-9));
        assertThat(oursFlat.get("p99Ms").asDouble()).isCloseTo(40, within(1e-9));
        assertThat(oursFlat.get("cpuMsPerDevice").asDouble()).isCloseTo(0.8, within(1e-9));
        assertThat(oursFlat.get("heapKbPerClient").asDouble()).isCloseTo(20, within(1e-9));
        assertThat(oursFlat.get("simulatorThreads").asDouble()).isCloseTo(40, within(1e-9));
        assertThat(json.get("ratios")).hasSize(8);
        JsonNode overBare = json.get("ratios").get(6);
        assertThat(overBare.get("clients").asInt()).isEqualTo(1000);
        assertThat(overBare.get("load").asText()).isEqualTo("flat");
        assertThat(overBare.get("reference").asText()).isEqualTo("baseline");
        assertThat(overBare.get("throughput").asDouble()).isCloseTo(0.4, within(1e-9));
        assertThat(overBare.get("cpu").asDouble()).isCloseTo(4, within(1e-9));
        JsonNode overFloor = json.get("ratios").get(7);
        assertThat(overFloor.get("reference").asText()).isEqualTo("floor");
        assertThat(overFloor.get("throughput").asDouble()).isCloseTo(0.5, within(1e-9));
        assertThat(overFloor.get("cpu").asDouble()).isCloseTo(2, within(1e-9));
    }

    @Test
    void a_figure_no_run_gave_is_null_in_json() throws Exception {
        List<RunResult> onlyFailures = List.of(new RunResult(new RunSpec(100, BenchMode.BASELINE, BenchLoad.RATE, BenchTransport.COAP, 1),
                "timed out", null, null, null));
        Path file = out.resolve("results.json");
        ResultsJson.write(file, Instant.EPOCH, SETTINGS, MACHINE, onlyFailures, BenchSummary.of(SETTINGS, onlyFailures));

        JsonNode median = find(new ObjectMapper().readTree(file.toFile()).get("medians"), 100, "rate", "baseline");
        assertThat(median.get("runs").asInt()).isZero();
        assertThat(median.get("devicesPerSecond").isNull()).isTrue();
    }

    @Test
    void the_chart_is_a_png_of_two_panels() throws Exception {
        List<RunResult> results = results();
        Path file = out.resolve("chart.png");
        ResultsChart.write(file, SETTINGS, BenchSummary.of(SETTINGS, results));

        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).startsWith(PNG_SIGNATURE);
        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image.getWidth()).isEqualTo(ResultsChart.WIDTH);
        assertThat(image.getHeight()).isEqualTo(ResultsChart.HEIGHT);
    }

    @ParameterizedTest
    @ValueSource(strings = { "1000", "500", "100,1000,10000", "100,200" })
    void the_clients_axis_labels_each_tick_once(String clients) {
        List<Integer> sizes = Arrays.stream(clients.split(",")).map(Integer::valueOf).toList();
        ValueAxis axis = ResultsChart.clientsAxis(sizes);
        XYSeries line = new XYSeries("a server");
        sizes.forEach(n -> line.add(n.doubleValue(), 1.0));
        XYPlot plot = new XYPlot(new XYSeriesCollection(line), axis, new NumberAxis(), null);
        BufferedImage image = new BufferedImage(ResultsChart.WIDTH / 2, ResultsChart.HEIGHT,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        try {
            List<String> labels = ((List<?>) axis.refreshTicks(graphics, new AxisState(),
                    new Rectangle2D.Double(0, 0, ResultsChart.WIDTH / 2.0, ResultsChart.HEIGHT), RectangleEdge.BOTTOM))
                    .stream().map(tick -> label((Tick) tick)).filter(text -> text != null && !text.isEmpty()).toList();

            assertThat(plot.getDomainAxis()).isSameAs(axis);
            assertThat(labels).as("tick labels").isNotEmpty().doesNotHaveDuplicates();
            assertThat(sizes).allMatch(n -> axis.getRange().contains(n), "within the axis");
        } finally {
            graphics.dispose();
        }
    }

    /** A tick's text; a log axis gives its labels as attributed strings (for exponents). */
    private static String label(Tick tick) {
        if (tick instanceof LogTick log && log.getAttributedLabel() != null) {
            AttributedCharacterIterator characters = log.getAttributedLabel().getIterator();
            StringBuilder text = new StringBuilder();
            for (char c = characters.first(); c != CharacterIterator.DONE; c = characters.next()) {
                text.append(c);
            }
            return text.toString();
        }
        return tick.getText();
    }

    private static JsonNode find(JsonNode medians, int clients, String load, String mode) {
        for (JsonNode median : medians) {
            if (median.get("clients").asInt() == clients && median.get("load").asText().equals(load)
                    && median.get("mode").asText().equals(mode)) {
                return median;
            }
        }
        throw new AssertionError("no median for " + clients + " " + load + " " + mode);
    }
}
