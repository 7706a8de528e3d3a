package io.github.lwm2mportfolio.server.rest;

import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * The browser protections on every answer, the console's files and the API alike: the console runs only its own
 * scripts and styles (it has no inline script or style), nobody may frame it (clickjacking), types are not
 * guessed, and no address (a login link, a device's name) leaks through the Referer header.
 */
final class SecurityHeaders {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none';"
            + " base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    static void addTo(Javalin javalin) {
        javalin.before(SecurityHeaders::set);
    }

    private static void set(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
    }
}
