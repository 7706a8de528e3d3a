package io.github.lwm2mportfolio.client.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Test helper run in a child JVM by {@link PortfolioStoreCrashTest}: saves one state per iteration
 * and draws one counter value, printing {@code "<iteration> <counter>"} after both are done, until it
 * is killed. Iteration numbers continue from the state found in the store.
 */
public final class StoreWriterProcess {

    private StoreWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int blockSize = Integer.parseInt(args[1]);
        exitWhenParentGoesAway();
        try (PortfolioStore store = PortfolioStore.open(directory, blockSize)) {
            int iteration = iterationOf(store.state());
            // Bounded so that a lost child cannot write forever.
            for (int end = iteration + 1_000_000; iteration < end;) {
                iteration++;
                store.saveInstances(instancesFor(iteration));
                long counter = store.nextCounter();
                // One write per line, so that a kill cannot leave half a line behind.
                System.out.print(iteration + " " + counter + "\n");
                System.out.flush();
            }
        }
    }

    /** The instances saved at iteration {@code i}: everything in them is derived from {@code i}. */
    static List<StoredInstance> instancesFor(int i) {
        List<StoredInstance> instances = new ArrayList<>();
        int count = i % 5 + 1;
        for (int k = 0; k < count; k++) {
            TreeMap<Integer, String> identities = new TreeMap<>();
            for (int j = 0; j <= k; j++) {
                identities.put(j * 2, "v" + i);
            }
            String owner = k == 0 ? "3/0" : "33/" + (i % 4);
            instances.add(new StoredInstance(k * 3 + i % 3, owner, (i + k) % 2 == 0, identities));
        }
        return instances;
    }

    /** The iteration a state was saved at, 0 for a store never written. */
    static int iterationOf(StoredState state) {
        if (state.instances().isEmpty()) {
            return 0;
        }
        String value = state.instances().get(0).identities().values().iterator().next();
        return Integer.parseInt(value.substring(1));
    }

    // If the test JVM dies, our stdin closes; without this the child would be left running.
    private static void exitWhenParentGoesAway() {
        Thread watcher = new Thread(() -> {
            try {
                InputStream in = System.in;
                while (in.read() >= 0) {
                    // The parent sends nothing; we only wait for end of stream.
                }
            } catch (IOException e) {
                // Same as end of stream.
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }
}
