package io.github.lwm2mportfolio.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

import io.github.lwm2mportfolio.core.io.AtomicFiles;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Files that hold secrets (passwords, PINs, fleet secrets, pre-shared keys): written owner-only (0600) in an
 * owner-only directory (0700), and read only when nobody else can read them, so that a secret never has to go
 * on a command line (where the process list shows it).
 */
public final class SecretFiles {

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private SecretFiles() {
    }

    /** Makes {@code directory} (and missing parents) owner-only when it is new; an existing one is left as it is. */
    public static void createPrivateDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Files.createDirectories(directory);
        if (posix(directory)) {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** Writes {@code content} to {@code file} whole or not at all, mode 0600, in a directory made 0700 if new. */
    public static void write(Path file, byte[] content) throws IOException {
        createPrivateDirectory(file.toAbsolutePath().getParent());
        AtomicFiles.write(file, content);
    }

    /** Writes one line of text (a password, a hex secret) as {@link #write}. */
    public static void writeLine(Path file, String line) throws IOException {
        write(file, (line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The first line of a secret file given with {@code option}: bad usage (exit 2) when it is missing, empty, or
     * readable by anyone but its owner.
     */
    public static String readLine(CommandSpec spec, String option, Path file) {
        try {
            requireOwnerOnly(file);
            String line = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            if (line.isEmpty()) {
                throw new ParameterException(spec.commandLine(), option + " " + file + ": the first line is empty");
            }
            return line;
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), option + " " + file + ": no such file");
        } catch (UnsafeSecretFileException e) {
            throw new ParameterException(spec.commandLine(), option + " " + e.getMessage());
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ParameterException(spec.commandLine(), option + " " + file + ": not a text file (not UTF-8); "
                    + "give a file whose first line is the secret");
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), option + " " + file + ": cannot read it: "
                    + e.getMessage());
        }
    }

    /** The hex bytes on the first line of a secret file given with {@code option}. */
    public static byte[] readHex(CommandSpec spec, String option, Path file) {
        String line = readLine(spec, option, file);
        try {
            return HexFormat.of().parseHex(line);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + " " + file
                    + ": the first line must be hexadecimal");
        }
    }

    /** Refuses a file that its group or others may read or write. */
    public static void requireOwnerOnly(Path file) throws IOException {
        if (!posix(file)) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        permissions.retainAll(OTHERS);
        if (!permissions.isEmpty()) {
            throw new UnsafeSecretFileException(file + " holds a secret but others may read it (mode "
                    + PosixFilePermissions.toString(Files.getPosixFilePermissions(file))
                    + "); make it readable by its owner only: chmod 600 " + file);
        }
    }

    /** A secret file that others may read. */
    public static final class UnsafeSecretFileException extends IOException {
        private static final long serialVersionUID = 1L;

        UnsafeSecretFileException(String message) {
            super(message);
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
