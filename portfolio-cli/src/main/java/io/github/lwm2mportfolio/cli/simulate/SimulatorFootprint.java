package io.github.lwm2mportfolio.cli.simulate;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/** Live threads and heap in use after a full GC: what the simulator costs, before and with its clients. */
record SimulatorFootprint(int threads, long heapBytes) {

    static SimulatorFootprint measure() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        // Twice: the first collection may leave objects whose finalizers or cleaners free more.
        System.gc();
        System.gc();
        return new SimulatorFootprint(ManagementFactory.getThreadMXBean().getThreadCount(),
                memory.getHeapMemoryUsage().getUsed());
    }

    /** The figures of the stats file: totals before and with the clients, and the cost per client. */
    static Map<String, Object> compare(SimulatorFootprint before, SimulatorFootprint with, int clients) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("threadsBefore", before.threads());
        figures.put("threadsWithClients", with.threads());
        figures.put("heapBytesBefore", before.heapBytes());
        figures.put("heapBytesWithClients", with.heapBytes());
        figures.put("heapBytesPerClient", clients == 0 ? 0 : (with.heapBytes() - before.heapBytes()) / clients);
        figures.put("threadsPerClient", clients == 0 ? 0.0 : (double) (with.threads() - before.threads()) / clients);
        return figures;
    }
}
