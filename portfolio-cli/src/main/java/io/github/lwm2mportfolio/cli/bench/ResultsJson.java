package io.github.lwm2mportfolio.cli.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** results.json: the settings, the machine, every run as measured, the medians and the ratios. */
final class ResultsJson {

    /** The file's whole content; figures a run could not give are null. startedAt is ISO-8601 UTC. */
    record Report(String startedAt, BenchSettings settings, MachineInfo machine, List<RunResult> runs,
            List<MedianFigures> medians, List<Ratio> ratios) {
    }

    private ResultsJson() {
    }

    static void write(Path file, Instant startedAt, BenchSettings settings, MachineInfo machine,
            List<RunResult> results, BenchSummary summary) throws IOException {
        Report report = new Report(startedAt.toString(), settings, machine, results, summary.medians(), summary.ratios());
        BenchJson.mapper().writeValue(file.toFile(), report);
    }
}
