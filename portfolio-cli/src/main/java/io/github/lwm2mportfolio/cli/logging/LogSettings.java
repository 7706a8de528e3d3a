package io.github.lwm2mportfolio.cli.logging;

import java.nio.file.Path;

import ch.qos.logback.core.util.FileSize;

/**
 * Where the log goes and how it looks.
 *
 * @param format {@link Format#TEXT} (a line a human reads) or {@link Format#JSON} (an object a line, for shipping)
 * @param file the log file, or null for standard error
 * @param maxSize the size past which the file is rotated
 * @param maxFiles the rotated files kept beside the file (FILE.1 the newest ... FILE.maxFiles the oldest)
 */
public record LogSettings(Format format, Path file, FileSize maxSize, int maxFiles) {

    /** The rotated files logback keeps at most. */
    public static final int MAX_FILES = 20;

    /** Text on standard error: what every command logs unless told otherwise. */
    public static final LogSettings DEFAULT = new LogSettings(Format.TEXT, null, FileSize.valueOf("10MB"), 5);

    public enum Format {
        TEXT, JSON
    }
}
