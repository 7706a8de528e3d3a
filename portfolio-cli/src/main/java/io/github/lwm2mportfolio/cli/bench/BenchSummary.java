package io.github.lwm2mportfolio.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/** The medians of every N, transport, load and mode that was run, and the ratios ours/bare and ours/floor. */
final class BenchSummary {

    private final List<MedianFigures> medians = new ArrayList<>();
    private final List<Ratio> ratios = new ArrayList<>();

    private BenchSummary() {
    }

    /** Groups in the order of the settings: N, then transport, then load, then mode. */
    static BenchSummary of(BenchSettings settings, List<RunResult> results) {
        BenchSummary summary = new BenchSummary();
        for (int clients : settings.clients()) {
            for (BenchTransport transport : settings.transports()) {
                for (BenchLoad load : settings.loads()) {
                    summary.add(clients, load, transport, settings.servers(), results);
                }
            }
        }
        return summary;
    }

    private void add(int clients, BenchLoad load, BenchTransport transport, List<ServerSetup> servers,
            List<RunResult> results) {
        for (ServerSetup server : servers) {
            List<RunResult> runs = results.stream().filter(RunResult::hasServerFigures)
                    .filter(r -> r.spec().clients() == clients && r.spec().load() == load
                            && r.spec().transport() == transport && r.spec().server().equals(server))
                    .toList();
            medians.add(medians(clients, load, transport, server, runs));
        }
        for (ServerSetup ours : servers.stream().filter(s -> s.mode() == BenchMode.PORTFOLIO).toList()) {
            for (BenchMode reference : List.of(BenchMode.BASELINE, BenchMode.FLOOR)) {
                Optional<MedianFigures> other = median(clients, load, transport, new ServerSetup(reference, 0));
                median(clients, load, transport, ours).ifPresent(
                        figures -> other.ifPresent(r -> ratios.add(Ratio.of(figures, r))));
            }
        }
    }

    List<MedianFigures> medians() {
        return List.copyOf(medians);
    }

    List<Ratio> ratios() {
        return List.copyOf(ratios);
    }

    Optional<MedianFigures> median(int clients, BenchLoad load, BenchTransport transport, ServerSetup server) {
        return medians.stream().filter(m -> m.clients() == clients && m.load() == load
                && m.transport() == transport && m.server().equals(server)).findFirst();
    }

    List<Ratio> ratios(int clients, BenchLoad load, BenchTransport transport) {
        return ratios.stream().filter(r -> r.clients() == clients && r.load() == load && r.transport() == transport)
                .toList();
    }

    private static MedianFigures medians(int clients, BenchLoad load, BenchTransport transport, ServerSetup server,
            List<RunResult> runs) {
        return new MedianFigures(clients, load, transport, server.mode(), server.nodes(), runs.size(),
                median(runs, r -> r.server().devicesPerSecond()), median(runs, r -> r.server().p50Ms()),
                median(runs, r -> r.server().p99Ms()), median(runs, r -> r.server().cpuSecondsPerDevice() * 1e3),
                median(runs, r -> r.simulator() == null ? Double.NaN : r.simulator().heapBytesPerClient() / 1024),
                median(runs, r -> r.simulator() == null ? Double.NaN : r.simulator().threadsPerClient()),
                median(runs, r -> r.simulator() == null ? Double.NaN : r.simulator().threadsWithClients()),
                median(runs, r -> r.simulator() == null ? Double.NaN
                        : r.simulator().heapBytesWithClients() / (1024.0 * 1024.0)));
    }

    private static double median(List<RunResult> runs, ToDoubleFunction<RunResult> figure) {
        return Statistics.median(runs.stream().map(r -> figure.applyAsDouble(r)).toList());
    }
}
