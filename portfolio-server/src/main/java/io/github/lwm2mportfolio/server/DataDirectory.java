package io.github.lwm2mportfolio.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The server's data directory holds its keys, the key store's password, the sealing key and the database: it is
 * the owner's alone (0700), and so is every file in it (0600), where the file system has POSIX permissions.
 */
final class DataDirectory {

    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private DataDirectory() {
    }

    /** Creates the directory (and missing parents) owner-only; an existing one is made owner-only. */
    static void prepare(Path directory) throws IOException {
        if (!posix(directory)) {
            Files.createDirectories(directory);
            return;
        }
        Path absolute = directory.toAbsolutePath();
        FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY);
        Files.createDirectories(absolute, ownerOnly);
        Files.setPosixFilePermissions(absolute, OWNER_DIRECTORY);
    }

    /** Makes every file directly in the directory owner-only (the database files H2 made with the umask's mode). */
    static void restrictFiles(Path directory) throws IOException {
        if (!posix(directory)) {
            return;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Files.setPosixFilePermissions(file, OWNER_FILE);
            }
        }
    }

    private static boolean posix(Path directory) {
        return directory.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
