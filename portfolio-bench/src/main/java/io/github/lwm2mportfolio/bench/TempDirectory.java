package io.github.lwm2mportfolio.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temp directories for the benchmarks' files, removed with everything in them at teardown. */
final class TempDirectory {

    private TempDirectory() {
    }

    /**
     * A new directory under {@code java.io.tmpdir}. Pass {@code -Djava.io.tmpdir=...} through
     * {@code -jvmArgsAppend} to measure another file system: an fsync on tmpfs costs nothing.
     */
    static Path create(String prefix) throws IOException {
        return Files.createTempDirectory("portfolio-bench-" + prefix + "-");
    }

    static void delete(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
