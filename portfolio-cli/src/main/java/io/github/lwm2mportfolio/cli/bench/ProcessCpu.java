package io.github.lwm2mportfolio.cli.bench;

import java.lang.management.ManagementFactory;

import com.sun.management.OperatingSystemMXBean;

/** The CPU time this JVM has used, all threads together (user and system). */
final class ProcessCpu {

    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory
            .getOperatingSystemMXBean();

    private ProcessCpu() {
    }

    static long nanos() {
        return OS.getProcessCpuTime();
    }
}
