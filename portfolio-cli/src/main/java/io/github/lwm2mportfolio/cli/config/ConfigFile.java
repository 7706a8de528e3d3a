package io.github.lwm2mportfolio.cli.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML file of settings as written: flat {@code key: value} lines, a value being one scalar or a list of them,
 * each remembered with its line so that a bad one can be pointed at. Values stay text: the option they set
 * converts them, as it converts the command line.
 */
final class ConfigFile {

    /** A settings file is a page of text: more is a mistake (a log, a binary), not configuration. */
    private static final long MAX_BYTES = 1 << 20;
    private static final Set<PosixFilePermission> OTHERS = EnumSet.complementOf(EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));

    /** One key; no values: set to nothing ({@code key:} or {@code key: null}), the default applies. */
    record Entry(String key, List<String> values, boolean list, int line) {
    }

    private final Path path;
    private final Map<String, Entry> entries;
    private final String othersMayRead;

    private ConfigFile(Path path, Map<String, Entry> entries, String othersMayRead) {
        this.path = path;
        this.entries = entries;
        this.othersMayRead = othersMayRead;
    }

    /** Reads {@code path}, which exists and is readable (checked before as the option's value). */
    static ConfigFile read(Path path) throws ConfigException {
        String text;
        try {
            if (Files.size(path) > MAX_BYTES) {
                throw new ConfigException(path + ": larger than 1 MB; give a YAML file of settings");
            }
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new ConfigException(path + ": not a text file (UTF-8); give a YAML file of settings");
        } catch (IOException e) {
            throw new ConfigException(path + ": cannot read it: " + e.getMessage());
        }
        refuseWorldWritable(path);
        return new ConfigFile(path, parse(path, text), othersMayRead(path));
    }

    /** Whoever may change the settings chooses the trust anchors and the database: not anyone on the machine. */
    private static void refuseWorldWritable(Path path) throws ConfigException {
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            if (permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new ConfigException(path + ": anyone on this machine may change it (mode "
                        + PosixFilePermissions.toString(permissions) + "); chmod o-w " + path);
            }
        } catch (IOException e) {
            throw new ConfigException(path + ": cannot read its permissions: " + e.getMessage());
        }
    }

    Path path() {
        return path;
    }

    Map<String, Entry> entries() {
        return Collections.unmodifiableMap(entries);
    }

    /** "file:line", how messages point at a key. */
    String where(Entry entry) {
        return path + ":" + entry.line();
    }

    /** The file's mode when its group or others may read it, else null: a secret may only be in an owner-only file. */
    String othersMayRead() {
        return othersMayRead;
    }

    private static String othersMayRead(Path path) {
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return null;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            return Collections.disjoint(permissions, OTHERS) ? null : PosixFilePermissions.toString(permissions);
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Map<String, Entry> parse(Path path, String text) throws ConfigException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        try (JsonParser parser = new YAMLFactory().createParser(text)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return entries; // an empty file, or comments only: every default
            }
            if (token != JsonToken.START_OBJECT) {
                throw new ConfigException(path + ":" + line(parser) + ": expected 'key: value' lines, e.g. "
                        + "'http-port: 8080', got " + describe(token));
            }
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                int line = line(parser);
                Entry earlier = entries.get(key);
                if (earlier != null) {
                    throw new ConfigException(path + ":" + line + ": " + key + " is set twice (first on line "
                            + earlier.line() + "); keep one");
                }
                entries.put(key, value(path, parser, key, line));
            }
            if (parser.nextToken() != null) {
                throw new ConfigException(path + ":" + line(parser) + ": a second YAML document ('---'); keep "
                        + "every setting in one");
            }
        } catch (JsonProcessingException e) {
            throw new ConfigException(syntaxError(path, e));
        } catch (IOException e) {
            throw new ConfigException(path + ": cannot read it: " + e.getMessage());
        }
        return entries;
    }

    private static Entry value(Path path, JsonParser parser, String key, int line) throws IOException,
            ConfigException {
        JsonToken token = parser.nextToken();
        if (token == JsonToken.VALUE_NULL) {
            return new Entry(key, List.of(), false, line);
        }
        if (token.isScalarValue()) {
            return new Entry(key, List.of(parser.getText()), false, line);
        }
        if (token == JsonToken.START_ARRAY) {
            List<String> values = new ArrayList<>();
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (!token.isScalarValue() || token == JsonToken.VALUE_NULL) {
                    throw new ConfigException(path + ":" + line(parser) + ": " + key + ": a list of plain values "
                            + "only, got " + describe(token));
                }
                values.add(parser.getText());
            }
            return new Entry(key, List.copyOf(values), true, line);
        }
        throw new ConfigException(path + ":" + line + ": " + key + ": expected a value or a list of values, got "
                + describe(token) + " (the file is flat: one 'key: value' a line)");
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    private static String describe(JsonToken token) {
        return switch (token) {
        case START_OBJECT -> "nested keys";
        case START_ARRAY -> "a list";
        case VALUE_NULL -> "an empty value";
        default -> "a value";
        };
    }

    /** SnakeYAML says what is wrong and where in several lines: one line, "file:line: problem". */
    private static String syntaxError(Path path, JsonProcessingException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                return path + ":" + (marked.getProblemMark().getLine() + 1) + ": not valid YAML: "
                        + marked.getProblem();
            }
        }
        int line = e.getLocation() != null ? e.getLocation().getLineNr() : 0;
        String reason = e.getOriginalMessage().lines().findFirst().orElse("not valid YAML");
        return path + (line > 0 ? ":" + line : "") + ": not valid YAML: " + reason;
    }
}
