package io.github.lwm2mportfolio.cli.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The figures of a deployment from those of its nodes: devices/s over the span from the first registration any
 * node saw to the last device any node finished (the nodes' wall clocks, on one machine), CPU per device summed
 * over the nodes (each node's CPU over its own span), latencies of the slowest node (percentiles of separate
 * nodes do not add up).
 */
final class NodeSum {

    private NodeSum() {
    }

    static ServerResult of(List<ServerResult> nodes) {
        if (nodes.size() == 1) {
            return nodes.get(0);
        }
        int clients = 0;
        int completed = 0;
        int failed = 0;
        List<String> failures = new ArrayList<>();
        boolean timedOut = false;
        double cpuSeconds = 0;
        double p50 = 0;
        double p99 = 0;
        double max = 0;
        long first = Long.MAX_VALUE;
        long last = 0;
        for (ServerResult node : nodes) {
            clients += node.clients();
            completed += node.completed();
            failed += node.failed();
            failures.addAll(node.failures());
            timedOut |= node.timedOut();
            int done = node.completed() + node.failed();
            if (done == 0) {
                continue; // a node the balancer sent no device
            }
            cpuSeconds += node.cpuSecondsPerDevice() * done;
            p50 = Math.max(p50, node.p50Ms());
            p99 = Math.max(p99, node.p99Ms());
            max = Math.max(max, node.maxMs());
            first = Math.min(first, node.firstRegistrationMicros());
            last = Math.max(last, node.lastDoneMicros());
        }
        int done = completed + failed;
        double seconds = done == 0 ? 0 : (last - first) / 1e6;
        return new ServerResult(BenchMode.PORTFOLIO.id(), clients, completed, failed, failures, timedOut, seconds,
                done == 0 ? 0 : done / seconds, p50, p99, max, done == 0 ? Double.NaN : cpuSeconds / done,
                done == 0 ? 0 : first, last);
    }
}
