package io.github.lwm2mportfolio.client.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The child JVMs of the kill tests: a small, quickly started writer process whose standard output acknowledges
 * what it made durable, one "value counter" line at a time.
 */
public final class WriterProcesses {

    /** Put on the queue of {@link #readLinesInBackground} once the child's output has ended. */
    public static final String END = "\u0000end";

    private WriterProcesses() {
    }

    /** Starts {@code main} with {@code args} on this test's class path; its standard error goes to {@code stderr}. */
    public static Process start(Class<?> main, Path stderr, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    }

    /** The child's output lines, then {@link #END}; read on another thread so that the test can wait with a timeout. */
    public static BlockingQueue<String> readLinesInBackground(Process child, String threadName) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                lines.add(END);
            }
        }, threadName);
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    /** An acknowledgement line: two numbers separated by a space. */
    public static long[] parse(String line) {
        String[] parts = line.split(" ");
        assertThat(parts).as("line '%s'", line).hasSize(2);
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    }
}
