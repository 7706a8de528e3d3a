package io.github.lwm2mportfolio.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A fresh directory for one run's stores, deleted with everything in it on close. */
final class ScratchDirectory implements AutoCloseable {

    private static final Path SHARED_MEMORY = Path.of("/dev/shm");

    private final Path path;

    private ScratchDirectory(Path path) {
        this.path = path;
    }

    /** In the temp directory (on disk, as a server's database would be). */
    static ScratchDirectory onDisk(String prefix) throws IOException {
        return new ScratchDirectory(Files.createTempDirectory(prefix));
    }

    /**
     * In memory (/dev/shm) where there is one: the simulated clients' stores are not what is measured, and
     * thousands of fsyncs on a disk the server shares would be.
     */
    static ScratchDirectory inMemory(String prefix) throws IOException {
        if (Files.isDirectory(SHARED_MEMORY) && Files.isWritable(SHARED_MEMORY)) {
            return new ScratchDirectory(Files.createTempDirectory(SHARED_MEMORY, prefix));
        }
        return onDisk(prefix);
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path file : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }
}
