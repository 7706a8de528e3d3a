package io.github.lwm2mportfolio.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Writer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A command's output as lines a test can wait for, one at a time. */
final class LineCapture extends Writer {

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public synchronized void write(char[] buffer, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (buffer[i] == '\n') {
                lines.add(partial.toString());
                partial.setLength(0);
            } else if (buffer[i] != '\r') {
                partial.append(buffer[i]);
            }
        }
    }

    /** The next line that starts with the prefix, skipping others. */
    String awaitLineStartingWith(String prefix, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            assertThat(line).as("a line starting with '%s'", prefix).isNotNull();
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
