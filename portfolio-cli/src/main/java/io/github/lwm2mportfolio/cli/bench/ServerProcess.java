package io.github.lwm2mportfolio.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A running {@code portfolio bench-server}: its standard output as lines to wait for, its log (standard error)
 * in a file. Closing its standard input stops it.
 */
final class ServerProcess implements AutoCloseable {

    /** How often a wait looks at whether the processes are still alive. */
    private static final long CHECK_MILLIS = 500;
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ServerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread reader = new Thread(this::readLines, "bench-server-output");
        reader.setDaemon(true);
        reader.start();
    }

    static ServerProcess start(List<String> command, Path log) throws IOException {
        return new ServerProcess(new ProcessBuilder(command).redirectError(Redirect.appendTo(log.toFile())).start(),
                log);
    }

    Process process() {
        return process;
    }

    /**
     * The rest of the first line that starts with the prefix.
     *
     * @param companion another process that must stay alive meanwhile (the simulator), or null
     * @throws RunFailure if this process or the companion exits first, or the time runs out
     */
    String awaitLine(String prefix, Duration within, Process companion, String companionName)
            throws RunFailure, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(CHECK_MILLIS, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
            if (line == null && !process.isAlive() && lines.isEmpty()) {
                throw new RunFailure("bench-server exited with code " + process.exitValue() + " before "
                        + prefix.strip() + " (see " + log + ")");
            }
            if (companion != null && !companion.isAlive()) {
                throw new RunFailure(companionName + " exited with code " + companion.exitValue() + " before "
                        + prefix.strip());
            }
        }
        throw new RunFailure("no " + prefix.strip() + " from bench-server within " + within.toSeconds() + " s");
    }

    /** Closes its standard input, as the server waits for, and waits for it to exit; then insists. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void readLines() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the process went away: awaitLine sees it
        }
    }
}
