package io.github.lwm2mportfolio.cli.bench;

/**
 * Ours beside bare Leshan for one N and load, from the medians.
 *
 * @param throughput ours' devices/s over the baseline's (the target: at least 0.5 at N = 1,000, flat out)
 * @param cpu ours' server CPU per device over the baseline's
 */
record Ratio(int clients, BenchLoad load, double throughput, double cpu) {

    static Ratio of(MedianFigures ours, MedianFigures baseline) {
        return new Ratio(ours.clients(), ours.load(), ours.devicesPerSecond() / baseline.devicesPerSecond(),
                ours.cpuMsPerDevice() / baseline.cpuMsPerDevice());
    }
}
