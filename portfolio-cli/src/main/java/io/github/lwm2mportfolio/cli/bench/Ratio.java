package io.github.lwm2mportfolio.cli.bench;

/**
 * Ours beside a reference server (bare Leshan or the floor) for one N, load and transport, from the medians.
 *
 * @param nodes ours' nodes (0: one server on its own)
 * @param reference the server ours is divided by: baseline ("ours/bare") or floor ("ours/floor")
 * @param throughput ours' devices/s over the reference's
 * @param cpu ours' server CPU per device over the reference's
 */
record Ratio(int clients, BenchLoad load, BenchTransport transport, int nodes, BenchMode reference, double throughput,
        double cpu) {

    static Ratio of(MedianFigures ours, MedianFigures reference) {
        return new Ratio(ours.clients(), ours.load(), ours.transport(), ours.nodes(), reference.mode(),
                ours.devicesPerSecond() / reference.devicesPerSecond(),
                ours.cpuMsPerDevice() / reference.cpuMsPerDevice());
    }

    /** "ours/bare" or "ours/floor", "ours 2 nodes/bare" for ours as nodes. */
    String label() {
        return "ours" + (nodes == 0 ? "" : " " + nodes + (nodes == 1 ? " node" : " nodes")) + "/"
                + reference.shortName();
    }
}
