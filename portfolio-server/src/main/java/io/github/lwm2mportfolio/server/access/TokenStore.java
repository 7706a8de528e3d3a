package io.github.lwm2mportfolio.server.access;

import java.util.List;
import java.util.Optional;

/** The API tokens: created, listed, revoked, and the one a request presents looked up. Thread-safe. */
public interface TokenStore {

    /**
     * A new random token with this name and role.
     *
     * @throws IllegalArgumentException when the name is not valid ({@link TokenSecrets#checkName(String)})
     * @throws DuplicateTokenException when a token has this name already
     */
    IssuedToken create(String name, Role role);

    /** Every token, by name. */
    List<ApiToken> list();

    /** Removes the token of this name; false when there is none. */
    boolean revoke(String name);

    /** The token whose text this is, or empty (also for text that is not a token at all). */
    Optional<ApiToken> authenticate(String presented);

    /** Whether no token exists (a first start). */
    boolean isEmpty();

    /** A token name that is taken. */
    final class DuplicateTokenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public DuplicateTokenException(String name) {
            super("a token named '" + name + "' exists already: revoke it first or choose another name");
        }
    }
}
