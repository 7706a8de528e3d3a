package io.github.lwm2mportfolio.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import ch.qos.logback.core.util.FileSize;
import io.github.lwm2mportfolio.cli.logging.LogSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The log options of {@code portfolio server}: the format, and a rotated file instead of standard error. */
final class LogOptions {

    private static final long MIN_SIZE = 1024;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "text", description = "The log's "
            + "lines: text (for people) or json (one object a line: time, level, logger, thread, message; for "
            + "shipping). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--log-file", paramLabel = "FILE", description = "Log to this file instead of standard error, "
            + "rotated past --log-max-size (FILE.1 the newest of the old ones).")
    Path file;

    @Option(names = "--log-max-size", paramLabel = "SIZE", defaultValue = "10MB", description = "Size past which "
            + "--log-file is rotated, e.g. 512KB, 10MB, 1GB. Default: ${DEFAULT-VALUE}.")
    String maxSize;

    @Option(names = "--log-max-files", paramLabel = "N", defaultValue = "5", description = "Rotated files of "
            + "--log-file kept beside it (1 to " + LogSettings.MAX_FILES + "). Default: ${DEFAULT-VALUE}.")
    int maxFiles;

    /** The settings, or a usage error that names the option. */
    LogSettings settings(CommandSpec spec) {
        LogSettings.Format parsedFormat = switch (format.strip().toLowerCase(Locale.ROOT)) {
            case "text" -> LogSettings.Format.TEXT;
            case "json" -> LogSettings.Format.JSON;
            default -> throw new ParameterException(spec.commandLine(), "--log-format must be text or json, got '"
                    + format + "'");
        };
        if (maxFiles < 1 || maxFiles > LogSettings.MAX_FILES) {
            throw new ParameterException(spec.commandLine(), "--log-max-files must be between 1 and "
                    + LogSettings.MAX_FILES + ", got " + maxFiles);
        }
        FileSize size = size(spec);
        if (file != null) {
            checkWritable(spec);
        }
        return new LogSettings(parsedFormat, file, size, maxFiles);
    }

    private FileSize size(CommandSpec spec) {
        try {
            FileSize size = FileSize.valueOf(maxSize.strip());
            if (size.getSize() >= MIN_SIZE) {
                return size;
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw new ParameterException(spec.commandLine(), "--log-max-size must be a size of at least 1KB such as "
                + "512KB, 10MB or 1GB, got '" + maxSize + "'");
    }

    /** Its directory is made; the file must be one this user can write (logback would only complain on stderr). */
    private void checkWritable(CommandSpec spec) {
        Path absolute = file.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--log-file " + file + ": cannot create its directory: "
                    + PortfolioCommand.oneLineReason(e));
        }
        boolean writable = Files.exists(absolute) ? Files.isRegularFile(absolute) && Files.isWritable(absolute)
                : Files.isWritable(absolute.getParent());
        if (!writable) {
            throw new ParameterException(spec.commandLine(), "--log-file " + file + " is not a file this user can "
                    + "write; choose another --log-file or fix the path's permissions");
        }
    }
}
