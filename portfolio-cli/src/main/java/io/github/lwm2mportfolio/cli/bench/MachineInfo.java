package io.github.lwm2mportfolio.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The machine a benchmark ran on, for results.json and the table's header.
 *
 * @param nproc CPUs this JVM may use
 * @param cpuModel the first "model name" of /proc/cpuinfo, or "unknown"
 * @param java the Java runtime's version and VM
 * @param os the operating system's name, version and architecture
 * @param commit the project's commit (git rev-parse in the working directory), or null
 * @param pinning how the server and simulator JVMs shared the CPUs
 * @param loadAverage the system load average over the last minute when the benchmark started, or -1
 */
record MachineInfo(int nproc, String cpuModel, String java, String os, String commit, String pinning,
        double loadAverage) {

    static MachineInfo probe(Pinning pinning) {
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), readCpuModel(),
                System.getProperty("java.runtime.version") + ", " + System.getProperty("java.vm.name"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                gitCommit(), pinning.description(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** E.g. "2 CPUs (AMD EPYC), Java 17.0.15+6-..., commit 2140448". */
    String describe() {
        return nproc + " CPUs (" + cpuModel + "), Java " + java + (commit == null ? "" : ", commit " + commit);
    }

    private static String readCpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.startsWith("model name")).map(line -> line.substring(line.indexOf(':') + 1)
                            .strip())
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String gitCommit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            git.getOutputStream().close();
            String output = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!git.waitFor(10, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return null;
            }
            return git.exitValue() == 0 && !output.isEmpty() ? output : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
