package io.github.lwm2mportfolio.server.access;

/**
 * A token just created: the only time its text exists outside the caller (the store keeps its hash). Its
 * {@link #toString()} leaves the text out, so that it never reaches a log by accident.
 */
public record IssuedToken(ApiToken token, String secret) {

    @Override
    public String toString() {
        return "IssuedToken[" + token + "]";
    }
}
