package io.github.lwm2mportfolio.cli.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What to run, as the options of {@code portfolio bench} gave it.
 *
 * @param rate offered registrations per second of the rate load
 * @param runs runs of each N, load and mode (the table shows their medians)
 * @param timeoutSeconds the longest a run may take from the server's READY to every device done
 * @param warmup devices served (flat out, not measured) before each measured fleet, 0 for none
 * @param nodes node counts ours runs as, sharing {@code database} and {@code redis}; empty: one server on its own
 *        H2 inventory
 * @param database the PostgreSQL server the nodes share (a schema of its own per run), or null
 * @param redis the Redis the nodes share (a key prefix of its own per run), or null
 */
record BenchSettings(List<Integer> clients, int rate, int runs, List<BenchMode> modes, List<BenchLoad> loads,
        List<BenchTransport> transports, long timeoutSeconds, int warmup, List<Integer> nodes, String database,
        String redis) {

    BenchSettings {
        clients = List.copyOf(clients);
        modes = List.copyOf(modes);
        loads = List.copyOf(loads);
        transports = List.copyOf(transports);
        nodes = List.copyOf(nodes);
    }

    /** One server on its own for ours. */
    BenchSettings(List<Integer> clients, int rate, int runs, List<BenchMode> modes, List<BenchLoad> loads,
            List<BenchTransport> transports, long timeoutSeconds, int warmup) {
        this(clients, rate, runs, modes, loads, transports, timeoutSeconds, warmup, List.of(), null, null);
    }

    /** The servers compared, in the order of the modes: ours once per node count when there are some. */
    List<ServerSetup> servers() {
        List<ServerSetup> servers = new ArrayList<>();
        for (BenchMode mode : modes) {
            if (mode == BenchMode.PORTFOLIO && !nodes.isEmpty()) {
                nodes.forEach(count -> servers.add(new ServerSetup(mode, count)));
            } else {
                servers.add(new ServerSetup(mode, 0));
            }
        }
        return servers;
    }

    /** Every run, modes taking turns within a run so that the machine's noise falls on both alike. */
    List<RunSpec> plan() {
        List<RunSpec> plan = new ArrayList<>();
        for (int n : clients) {
            for (BenchTransport transport : transports) {
                for (BenchLoad load : loads) {
                    for (int run = 1; run <= runs; run++) {
                        for (ServerSetup server : servers()) {
                            plan.add(new RunSpec(n, server.mode(), load, transport, run, server.nodes()));
                        }
                    }
                }
            }
        }
        return plan;
    }
}
