package io.github.lwm2mportfolio.core.auth;

import io.github.lwm2mportfolio.core.cose.CoseStructure;

/**
 * The GetAuthData services (argument 1 of the profile) and the COSE structure each one produces:
 * sign → COSE_Sign1, mac → COSE_Mac0, encrypt → COSE_Encrypt0.
 */
public enum AuthService {
    SIGN("sign", CoseStructure.SIGN1),
    MAC("mac", CoseStructure.MAC0),
    ENCRYPT("encrypt", CoseStructure.ENCRYPT0);

    private final String argument;
    private final CoseStructure structure;

    AuthService(String argument, CoseStructure structure) {
        this.argument = argument;
        this.structure = structure;
    }

    /** The value of GetAuthData argument 1 that selects this service. */
    public String argument() {
        return argument;
    }

    /** Whether GetAuthData must carry a nonce (argument 2) for this service: sign and mac, not encrypt. */
    public boolean needsNonce() {
        return this != ENCRYPT;
    }

    /** The COSE structure an AuthData value of this service is. */
    public CoseStructure structure() {
        return structure;
    }

    /**
     * The service named by a GetAuthData argument ("sign", "mac" or "encrypt", exact case).
     *
     * @throws IllegalArgumentException for any other value
     */
    public static AuthService fromArgument(String argument) {
        for (AuthService s : values()) {
            if (s.argument.equals(argument)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown service '" + argument + "', expected sign, mac or encrypt");
    }

    static AuthService of(CoseStructure structure) {
        return switch (structure) {
            case SIGN1 -> SIGN;
            case MAC0 -> MAC;
            case ENCRYPT0 -> ENCRYPT;
        };
    }

    @Override
    public String toString() {
        return argument;
    }
}
