package io.github.lwm2mportfolio.cli.logging;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import ch.qos.logback.core.rolling.RollingFileAppender;

/**
 * A rotated log file that only its owner can read: logs name devices, hosts and nodes of the fleet. The file is
 * made owner-only before logback opens it, at the start and after each rotation (logback would make it with the
 * umask's permissions).
 */
final class OwnerOnlyFileAppender<E> extends RollingFileAppender<E> {

    @Override
    public void openFile(String name) throws IOException {
        Path file = Path.of(name).toAbsolutePath();
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        }
        super.openFile(name);
    }
}
