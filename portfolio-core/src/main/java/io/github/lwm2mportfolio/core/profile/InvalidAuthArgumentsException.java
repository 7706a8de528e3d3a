package io.github.lwm2mportfolio.core.profile;

/** A GetAuthData argument list the profile refuses; the message is the reason sent with 4.00. */
public class InvalidAuthArgumentsException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidAuthArgumentsException(String reason) {
        super(reason);
    }
}
