package io.github.lwm2mportfolio.client.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The store file exists but cannot be trusted: it is not JSON, or not a store of a known format and
 * version, or its content breaks a rule (an id out of range, a duplicate instance...). The file is
 * left untouched so that it can be inspected or repaired; the store does not start over on its own,
 * because doing so would silently lose Identity values and could make the AuthData counter go back.
 */
public final class StoreCorruptedException extends StoreException {

    private static final long serialVersionUID = 1L;

    // Path is not Serializable; the message still carries it after deserialization.
    private final transient Path path;
    private final String reason;

    public StoreCorruptedException(Path path, String reason) {
        this(path, reason, null);
    }

    public StoreCorruptedException(Path path, String reason, Throwable cause) {
        super("store file " + Objects.requireNonNull(path, "path") + " is corrupted: "
                + Objects.requireNonNull(reason, "reason")
                + " (the file was left as it is; repair it or move it away)", cause);
        this.path = path;
        this.reason = reason;
    }

    /** The file that could not be loaded. */
    public Path path() {
        return path;
    }

    /** What is wrong and where in the file, e.g. {@code "instances[2].id: 70000 is out of range 0..65534"}. */
    public String reason() {
        return reason;
    }
}
