package io.github.lwm2mportfolio.core.auth;

import java.util.Objects;

/**
 * The outcome of checking one AuthData value: accepted, or the first check that failed with a
 * code and a short human reason.
 *
 * @param service the service of the message, null when not even that could be read
 * @param claims the claims, null when they could not be read (or not trusted yet)
 */
public record Verdict(boolean accepted, Reason reason, String message, AuthService service, AuthClaims claims) {

    /** Which check decided; the checks run in this order. */
    public enum Reason {
        ACCEPTED,
        /** Not a tagged COSE_Sign1, COSE_Mac0 or COSE_Encrypt0, or not well formed. */
        MALFORMED,
        /** A service other than the one the server asked for. */
        SERVICE_MISMATCH,
        /** An algorithm the AuthData profile does not accept for this service. */
        ALGORITHM_NOT_ALLOWED,
        /** The server has no key for this endpoint (and kid). */
        KEY_UNAVAILABLE,
        /** No pinned key, and the x5chain is absent or not anchored. */
        UNTRUSTED_SIGNER,
        /**
         * Made by another device of the fleet: signed with a certificate that names another endpoint, or MACed with
         * another endpoint's key. (An encrypted value of another device cannot be told from a damaged one: it is
         * DECRYPTION_FAILED.)
         */
        OTHER_DEVICE,
        BAD_SIGNATURE,
        BAD_MAC,
        DECRYPTION_FAILED,
        /** The content is not valid claims. */
        BAD_CLAIMS,
        /** A value seen before: its nonce is not the one sent and its counter was already accepted. */
        REPLAYED_AUTH_DATA,
        /** A nonce other than the one sent (or one missing or unexpected), with a fresh counter. */
        NONCE_MISMATCH,
        ENDPOINT_MISMATCH,
        PATH_MISMATCH,
        IDENTITY_ID_MISMATCH,
        IDENTITY_VALUE_MISMATCH,
        /** Made for this challenge, but with a counter not above the last one accepted from this device. */
        REPLAYED_COUNTER
    }

    public Verdict {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        if (accepted != (reason == Reason.ACCEPTED)) {
            throw new IllegalArgumentException("accepted must go with reason ACCEPTED");
        }
    }

    static Verdict accept(AuthService service, AuthClaims claims) {
        return new Verdict(true, Reason.ACCEPTED, "accepted", service, claims);
    }

    static Verdict reject(Reason reason, String message, AuthService service, AuthClaims claims) {
        return new Verdict(false, reason, message, service, claims);
    }
}
