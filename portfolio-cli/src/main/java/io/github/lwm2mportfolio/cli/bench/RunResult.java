package io.github.lwm2mportfolio.cli.bench;

/**
 * The outcome of one run.
 *
 * @param failure why the run failed (a process exited, a timeout, devices that failed), or null
 * @param server what the server measured (of the reregister load: the second wave), or null when it reported
 *        nothing
 * @param firstWave of the reregister load: what the server measured of the first wave, else null
 * @param simulator what the simulator measured, or null when it reported nothing
 */
record RunResult(RunSpec spec, String failure, ServerResult server, ServerResult firstWave,
        SimulatorStats simulator) {

    /** Whether the server's figures cover every device (a run with failed devices still does). */
    boolean hasServerFigures() {
        return server != null && server.allDone();
    }
}
