package io.github.lwm2mportfolio.cli.bench;

/**
 * Ours beside a reference server (bare Leshan or the floor) for one N, load and transport, from the medians.
 *
 * @param reference the server ours is divided by: baseline ("ours/bare") or floor ("ours/floor")
 * @param throughput ours' devices/s over the reference's
 * @param cpu ours' server CPU per device over the reference's
 */
record Ratio(int clients, BenchLoad load, BenchTransport transport, BenchMode reference, double throughput,
        double cpu) {

    static Ratio of(MedianFigures ours, MedianFigures reference) {
        return new Ratio(ours.clients(), ours.load(), ours.transport(), reference.mode(),
                ours.devicesPerSecond() / reference.devicesPerSecond(),
                ours.cpuMsPerDevice() / reference.cpuMsPerDevice());
    }

    /** "ours/bare" or "ours/floor". */
    String label() {
        return "ours/" + reference.shortName();
    }
}
