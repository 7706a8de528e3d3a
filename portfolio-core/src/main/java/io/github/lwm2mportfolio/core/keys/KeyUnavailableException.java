package io.github.lwm2mportfolio.core.keys;

/** A key cannot be had from a {@link KeySource}: {@link #reason()} says why, the message says which and where. */
public class KeyUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the key is unavailable. */
    public enum Reason {
        /** No key under that identifier. */
        NOT_FOUND,
        /** An entry exists under that identifier but is not the kind of key asked for. */
        WRONG_TYPE,
        /** The key store password (or token PIN) is wrong. */
        WRONG_PASSWORD,
        /** The key store cannot be read: missing, corrupt, or not a key store. */
        STORE_UNREADABLE,
        /** A new key store could not be written. */
        STORE_NOT_WRITABLE,
        /** The key store or token failed in another way. */
        STORE_ERROR
    }

    private final Reason reason;

    public KeyUnavailableException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public KeyUnavailableException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
