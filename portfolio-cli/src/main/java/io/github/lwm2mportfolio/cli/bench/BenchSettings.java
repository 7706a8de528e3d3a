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
 */
record BenchSettings(List<Integer> clients, int rate, int runs, List<BenchMode> modes, List<BenchLoad> loads,
        List<BenchTransport> transports, long timeoutSeconds, int warmup) {

    BenchSettings {
        clients = List.copyOf(clients);
        modes = List.copyOf(modes);
        loads = List.copyOf(loads);
        transports = List.copyOf(transports);
    }

    /** Every run, modes taking turns within a run so that the machine's noise falls on both alike. */
    List<RunSpec> plan() {
        List<RunSpec> plan = new ArrayList<>();
        for (int n : clients) {
            for (BenchTransport transport : transports) {
                for (BenchLoad load : loads) {
                    for (int run = 1; run <= runs; run++) {
                        for (BenchMode mode : modes) {
                            plan.add(new RunSpec(n, mode, load, transport, run));
                        }
                    }
                }
            }
        }
        return plan;
    }
}
