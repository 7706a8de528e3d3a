package io.github.lwm2mportfolio.server.inventory;

/** What the last GetAuthData challenge of a device came to. */
public enum VerificationOutcome {
    /** Every AuthData value verified. */
    VERIFIED,
    /** AuthData came back but did not verify (crypto, nonce, endpoint, path, value or counter). */
    FAILED,
    /** The device has no GetAuthData (Identity only, as most deployed devices): not a failure. */
    NOT_SUPPORTED,
    /** The device answered AuthStatus ERROR, or refused the Execute. */
    DEVICE_ERROR,
    /** Timeout, deregistration in the middle, unexpected answers. */
    UNREACHABLE
}
