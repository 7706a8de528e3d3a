package io.github.lwm2mportfolio.cli.bench;

import java.util.List;

/**
 * The outcome of one run.
 *
 * @param failure why the run failed (a process exited, a timeout, devices that failed), or null
 * @param server what the server measured (of the reregister load: the second wave), or null when it reported
 *        nothing
 * @param firstWave of the reregister load: what the server measured of the first wave, else null
 * @param simulator what the simulator measured, or null when it reported nothing
 * @param nodes of ours as nodes: what each node measured, in the order of their names (a, b...); {@code server}
 *        and {@code firstWave} are then their sum. Else empty
 * @param storage of ours as nodes: what the run's fleet took in PostgreSQL and Redis, or null
 */
record RunResult(RunSpec spec, String failure, ServerResult server, ServerResult firstWave,
        SimulatorStats simulator, List<NodeResult> nodes, SharedStorage storage) {

    RunResult {
        nodes = List.copyOf(nodes);
    }

    /** A run of one server on its own. */
    RunResult(RunSpec spec, String failure, ServerResult server, ServerResult firstWave, SimulatorStats simulator) {
        this(spec, failure, server, firstWave, simulator, List.of(), null);
    }

    /** Whether the server's figures cover every device (a run with failed devices still does). */
    boolean hasServerFigures() {
        return server != null && server.allDone();
    }
}
