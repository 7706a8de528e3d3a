package io.github.lwm2mportfolio.core.auth;

/** The claims of an AuthData value cannot be read: {@link #reason()} says why, the message says where. */
public class AuthDataException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the claims were refused. */
    public enum Reason {
        /** Not a well-formed CBOR map with integer keys. */
        MALFORMED,
        /** Format version absent from this implementation. */
        UNSUPPORTED_VERSION,
        /** A mandatory claim is absent. */
        MISSING_CLAIM,
        /** A claim has the wrong CBOR type. */
        WRONG_TYPE,
        /** A claim key appears twice. */
        DUPLICATE_CLAIM,
        /** A claim is of the right type but out of its range. */
        OUT_OF_RANGE
    }

    private final Reason reason;

    public AuthDataException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
