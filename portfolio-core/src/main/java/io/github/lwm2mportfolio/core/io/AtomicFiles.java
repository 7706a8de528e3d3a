package io.github.lwm2mportfolio.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writing files that hold keys: whole or not at all, durable, readable by their owner only. */
public final class AtomicFiles {

    private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);

    private AtomicFiles() {
    }

    /**
     * Writes {@code content} to {@code file}: readers see no file (or the old one) or the whole new one, even if
     * the process dies while writing (temp file, fsync, atomic rename, directory fsync).
     *
     * @throws java.nio.file.AtomicMoveNotSupportedException where the file system cannot rename atomically
     */
    public static void write(Path file, byte[] content) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temp = createPrivateTempFile(directory, file.getFileName().toString());
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true); // makes the rename durable where the platform allows it
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot sync directory {}: {}", directory, e.getMessage());
        }
    }

    // Owner-only from the start, where the file system knows permissions: the content may be a private key.
    private static Path createPrivateTempFile(Path directory, String name) throws IOException {
        if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Files.createTempFile(directory, "." + name, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        return Files.createTempFile(directory, "." + name, ".tmp");
    }
}
