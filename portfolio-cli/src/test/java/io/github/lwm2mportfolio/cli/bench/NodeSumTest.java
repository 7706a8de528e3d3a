package io.github.lwm2mportfolio.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The figures of a deployment from those of its nodes. */
class NodeSumTest {

    @Test
    void devices_per_second_span_every_node_and_cpu_adds_up() {
        // Node a: 60 devices from t = 1 s to 4 s at 10 ms each; node b: 40 devices from 2 s to 6 s at 20 ms each.
        ServerResult a = node(60, 0, 10e-3, 1_000_000, 4_000_000, 5, 9);
        ServerResult b = node(40, 0, 20e-3, 2_000_000, 6_000_000, 7, 8);

        ServerResult sum = NodeSum.of(List.of(a, b));

        assertThat(sum.clients()).isEqualTo(100);
        assertThat(sum.completed()).isEqualTo(100);
        assertThat(sum.seconds()).isCloseTo(5.0, within(1e-9));
        assertThat(sum.devicesPerSecond()).isCloseTo(20.0, within(1e-9));
        // (60 × 10 ms + 40 × 20 ms) / 100 devices
        assertThat(sum.cpuSecondsPerDevice()).isCloseTo(14e-3, within(1e-12));
        assertThat(sum.p50Ms()).isEqualTo(7);
        assertThat(sum.p99Ms()).isEqualTo(9);
        assertThat(sum.timedOut()).isFalse();
    }

    @Test
    void a_node_without_devices_changes_nothing_and_one_node_is_itself() {
        ServerResult a = node(50, 1, 10e-3, 1_000_000, 3_000_000, 5, 9);
        ServerResult idle = node(0, 0, Double.NaN, 0, 0, 0, 0);

        ServerResult sum = NodeSum.of(List.of(a, idle));

        assertThat(sum.completed()).isEqualTo(49);
        assertThat(sum.failed()).isEqualTo(1);
        assertThat(sum.devicesPerSecond()).isCloseTo(25.0, within(1e-9));
        assertThat(sum.cpuSecondsPerDevice()).isCloseTo(10e-3, within(1e-12));
        assertThat(NodeSum.of(List.of(a))).isSameAs(a);
    }

    private static ServerResult node(int devices, int failed, double cpuPerDevice, long firstMicros, long lastMicros,
            double p50, double p99) {
        double seconds = (lastMicros - firstMicros) / 1e6;
        return new ServerResult("portfolio", devices, devices - failed, failed, List.of(), false, seconds,
                devices == 0 ? 0 : devices / seconds, p50, p99, p99, cpuPerDevice, firstMicros, lastMicros);
    }
}
