package io.github.lwm2mportfolio.cli.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Commands that run {@code portfolio} subcommands in new JVMs: the same java and class path as this JVM. */
final class JavaLauncher {

    static final String MAIN_CLASS = "io.github.lwm2mportfolio.cli.PortfolioCommand";

    private final String java;
    private final String classPath;

    JavaLauncher(String java, String classPath) {
        this.java = java;
        this.classPath = classPath;
    }

    static JavaLauncher current() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new JavaLauncher(java, System.getProperty("java.class.path"));
    }

    /**
     * @param prefix what runs the JVM, e.g. taskset -c 0 (empty for nothing)
     * @param arguments the subcommand and its options
     */
    List<String> command(List<String> prefix, List<String> arguments) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(java, "-cp", classPath, MAIN_CLASS));
        command.addAll(arguments);
        return command;
    }
}
