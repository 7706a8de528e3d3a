package io.github.lwm2mportfolio.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.github.lwm2mportfolio.cli.TextTable;

/**
 * The results as text for the terminal: a header (machine, how the CPUs were shared), one row per N, transport,
 * load and server with the medians, rows of ratios ours/bare and ours/floor, then the failed runs with their reasons.
 */
final class ResultsTable {

    static final List<String> HEADER = List.of("LOAD", "TRANSPORT", "N", "SERVER", "DEVICES/S", "P50 MS", "P99 MS",
            "CPU MS/DEVICE", "SIM KB/CLIENT", "SIM THREADS/CLIENT", "RUNS");
    /** LOAD, TRANSPORT and SERVER; the others hold numbers. */
    private static final Set<Integer> TEXT_COLUMNS = Set.of(0, 1, 3);
    private static final String NONE = "-";

    private ResultsTable() {
    }

    static String render(BenchSettings settings, MachineInfo machine, BenchSummary summary,
            List<RunResult> results) {
        StringBuilder text = new StringBuilder();
        text.append("Fleet benchmark, median of ").append(settings.runs()).append(settings.runs() == 1 ? " run" : " runs")
                .append(": load 'rate' offers ").append(settings.rate())
                .append(" registrations/s, 'flat' registers as fast as the simulator can")
                .append(settings.loads().contains(BenchLoad.REREGISTER)
                        ? ", 'reregister' measures the second of two flat waves (all re-register at once)" : "")
                .append('\n');
        text.append("Warm-up: ").append(settings.warmup() == 0 ? "none (cold JVMs)"
                : settings.warmup() + " devices per server JVM before the measured fleet, not measured").append('\n');
        text.append("Machine: ").append(machine.describe()).append('\n');
        text.append("CPUs: ").append(machine.pinning()).append('\n');
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (int clients : settings.clients()) {
            for (BenchTransport transport : settings.transports()) {
                for (BenchLoad load : settings.loads()) {
                    for (ServerSetup server : settings.servers()) {
                        summary.median(clients, load, transport, server).ifPresent(m -> rows.add(row(m)));
                    }
                    summary.ratios(clients, load, transport).forEach(r -> rows.add(List.of(load.id(),
                            transport.label(), count(clients), r.label(), number(r.throughput(), 2), "", "",
                            number(r.cpu(), 2), "", "", "")));
                }
            }
        }
        text.append(TextTable.align(rows, TEXT_COLUMNS::contains));
        List<RunResult> failed = results.stream().filter(r -> r.failure() != null).toList();
        if (!failed.isEmpty()) {
            text.append(failed.size()).append(failed.size() == 1 ? " run" : " runs").append(" failed:\n");
            failed.forEach(r -> text.append("  ").append(r.spec().describe()).append(": ").append(r.failure())
                    .append('\n'));
        }
        return text.toString();
    }

    private static List<String> row(MedianFigures m) {
        return List.of(m.load().id(), m.transport().label(), count(m.clients()), m.server().label(), number(m.devicesPerSecond(), 1),
                number(m.p50Ms(), 2), number(m.p99Ms(), 2), number(m.cpuMsPerDevice(), 3),
                number(m.heapKbPerClient(), 1), number(m.threadsPerClient(), 4), String.valueOf(m.runs()));
    }

    private static String count(int value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String number(double value, int decimals) {
        return Double.isNaN(value) || Double.isInfinite(value) ? NONE
                : String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }
}
