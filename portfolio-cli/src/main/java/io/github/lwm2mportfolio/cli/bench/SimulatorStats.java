package io.github.lwm2mportfolio.cli.bench;

/**
 * What the simulator wrote to its stats file when it stopped (its other fields are ignored).
 *
 * @param clients clients it ran
 * @param registered clients registered when it measured
 * @param threadsBefore live threads before the clients started
 * @param threadsWithClients live threads with every client registered
 * @param heapBytesBefore used heap before the clients started, after a GC
 * @param heapBytesWithClients used heap with every client registered, after a GC
 * @param heapBytesPerClient the heap the clients added, per client
 * @param threadsPerClient the threads the clients added, per client
 */
record SimulatorStats(int clients, int registered, long threadsBefore, long threadsWithClients,
        long heapBytesBefore, long heapBytesWithClients, double heapBytesPerClient, double threadsPerClient) {
}
