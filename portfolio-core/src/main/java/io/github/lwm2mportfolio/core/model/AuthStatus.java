package io.github.lwm2mportfolio.core.model;

/** Values of resource 3 (AuthStatus). */
public enum AuthStatus {
    /** AuthData holds no valid data. */
    IDLE(0),
    /** AuthData holds valid data, until a server reads it once. */
    DATA_AVAIL(1),
    /** The last GetAuthData failed. */
    ERROR(2);

    private final int code;

    AuthStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static AuthStatus fromCode(long code) {
        for (AuthStatus status : values()) {
            if (status.code == code) {
                return status;
            }
        }
        throw new IllegalArgumentException("AuthStatus " + code + " is not in 0..2");
    }
}
