package io.github.lwm2mportfolio.cli.simulate;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Which of several server nodes a device talks to, as a UDP load balancer hashing each datagram's source address
 * would choose: always the same node for a device. A device's endpoint name stands for its source address (every
 * simulated device sends from 127.0.0.1), so the bench can count each node's devices before the fleet starts.
 */
public final class SourceHashBalancer {

    private SourceHashBalancer() {
    }

    /** The index, from 0, of the node of this endpoint among {@code nodes}. */
    public static int nodeOf(String endpoint, int nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("at least one node, got " + nodes);
        }
        CRC32 hash = new CRC32();
        hash.update(endpoint.getBytes(StandardCharsets.UTF_8));
        return (int) (hash.getValue() % nodes);
    }

    /** The server URI of this endpoint's node. */
    static String serverOf(String endpoint, List<String> serverUris) {
        return serverUris.get(nodeOf(endpoint, serverUris.size()));
    }

    /** How many of the endpoints {@code prefix000000} to {@code prefix(clients - 1)} each node gets. */
    public static int[] counts(String prefix, int clients, int nodes) {
        int[] counts = new int[nodes];
        for (int i = 0; i < clients; i++) {
            counts[nodeOf(SimulatedFleet.endpoint(prefix, i), nodes)]++;
        }
        return counts;
    }
}
