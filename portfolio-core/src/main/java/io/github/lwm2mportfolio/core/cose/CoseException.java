package io.github.lwm2mportfolio.core.cose;

/**
 * A COSE message could not be made or checked. The message is a short, specific human reason
 * ("signature does not verify", "protected header is not a byte string"); {@link #kind()} tells
 * callers which family of problem it was without parsing text.
 */
public class CoseException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The family of problem. */
    public enum Kind {
        /** The bytes are not a well-formed message of the expected structure. */
        MALFORMED,
        /** Well formed, but uses an algorithm or feature this implementation does not support. */
        UNSUPPORTED,
        /** The key given does not fit the algorithm (type, curve or length). */
        KEY_MISMATCH,
        /** The signature, MAC or authentication tag does not check out. */
        VERIFICATION_FAILED
    }

    private final Kind kind;

    public CoseException(Kind kind, String reason) {
        super(reason);
        this.kind = kind;
    }

    public CoseException(Kind kind, String reason, Throwable cause) {
        super(reason, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static CoseException malformed(String reason) {
        return new CoseException(Kind.MALFORMED, reason);
    }

    static CoseException unsupported(String reason) {
        return new CoseException(Kind.UNSUPPORTED, reason);
    }

    static CoseException keyMismatch(String reason) {
        return new CoseException(Kind.KEY_MISMATCH, reason);
    }

    static CoseException failed(String reason) {
        return new CoseException(Kind.VERIFICATION_FAILED, reason);
    }
}
