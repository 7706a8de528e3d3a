package io.github.lwm2mportfolio.cli.bench;

/**
 * The median of each figure over the runs of one N, load, transport and mode whose server saw every device done; NaN
 * where no run gave the figure.
 *
 * @param nodes ours' nodes sharing PostgreSQL and Redis, 0 for a server on its own
 * @param runs runs the medians are taken over
 * @param simulatorThreads live threads of the simulator JVM with every client registered
 * @param simulatorHeapMb used heap of the simulator JVM with every client registered, after a GC
 */
record MedianFigures(int clients, BenchLoad load, BenchTransport transport, BenchMode mode, int nodes, int runs, double devicesPerSecond, double p50Ms,
        double p99Ms, double cpuMsPerDevice, double heapKbPerClient, double threadsPerClient,
        double simulatorThreads, double simulatorHeapMb) {

    ServerSetup server() {
        return new ServerSetup(mode, nodes);
    }
}
