package io.github.lwm2mportfolio.cli.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How the server and the simulator JVMs share the machine: each on a CPU of its own (taskset) when there
 * are two or more and taskset exists, so that neither steals the other's cycles; otherwise unpinned.
 *
 * @param server the command prefix that starts the server JVM (empty when unpinned)
 * @param simulator the same for the simulator JVM
 * @param description how they were shared, for the table and results.json
 */
record Pinning(List<String> server, List<String> simulator, String description) {

    Pinning {
        server = List.copyOf(server);
        simulator = List.copyOf(simulator);
    }

    static Pinning detect() {
        int cpus = Runtime.getRuntime().availableProcessors();
        if (cpus >= 2 && onPath("taskset")) {
            return new Pinning(List.of("taskset", "-c", "0"), List.of("taskset", "-c", "1"),
                    "server JVM pinned to CPU 0, simulator JVM to CPU 1 (taskset)");
        }
        return new Pinning(List.of(), List.of(), "unpinned: server and simulator JVMs share " + cpus + " CPU"
                + (cpus == 1 ? "" : "s") + (cpus >= 2 ? " (no taskset)" : ""));
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String directory : path.split(File.pathSeparator)) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, program))) {
                return true;
            }
        }
        return false;
    }
}
