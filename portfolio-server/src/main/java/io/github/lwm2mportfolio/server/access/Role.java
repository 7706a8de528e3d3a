package io.github.lwm2mportfolio.server.access;

import java.util.Arrays;
import java.util.Locale;

import io.javalin.security.RouteRole;

/**
 * What an API token may do, each role everything the one before may: {@link #VIEWER} reads, {@link #OPERATOR}
 * also runs verify and writes Identity values, {@link #ADMIN} also manages certifications, credentials and tokens.
 */
public enum Role implements RouteRole {
    VIEWER, OPERATOR, ADMIN;

    /** Whether a token of this role may do what {@code required} may. */
    public boolean includes(Role required) {
        return compareTo(required) >= 0;
    }

    /** The lower-case name users type and see. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A role by its name, any case. */
    public static Role parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("the role must be one of "
                    + Arrays.stream(values()).map(Role::label).toList() + ", got '" + text + "'");
        }
    }
}
