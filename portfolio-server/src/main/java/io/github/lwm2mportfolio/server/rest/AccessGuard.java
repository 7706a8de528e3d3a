package io.github.lwm2mportfolio.server.rest;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.server.access.ApiToken;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.access.TokenStore;
import io.github.lwm2mportfolio.server.rest.RestApi.ApiException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.security.RouteRole;

/**
 * Runs before every matched {@code /api} route and {@code /metrics}: the request must carry {@code Authorization: Bearer <token>}
 * of a token whose role includes the route's (401 without or with a wrong token, 403 for a role too low). A
 * header, never a cookie: a cross-site page cannot make a browser send it. Wrong tokens are counted per source
 * address ({@link FailedLogins}); past the limit the address gets 429 before its token is even looked at.
 */
final class AccessGuard {

    private static final Logger LOG = LoggerFactory.getLogger(AccessGuard.class);
    private static final String CALLER = "portfolio.caller";
    private static final String BEARER = "Bearer ";

    private final TokenStore tokens;
    private final FailedLogins failedLogins;

    AccessGuard(TokenStore tokens, FailedLogins failedLogins) {
        this.tokens = tokens;
        this.failedLogins = failedLogins;
    }

    void addTo(Javalin javalin) {
        javalin.beforeMatched(this::check);
    }

    /** The token a request was let in with, for the log of what it changed. */
    static String callerName(Context ctx) {
        ApiToken caller = ctx.attribute(CALLER);
        return caller == null ? "?" : caller.name();
    }

    private void check(Context ctx) {
        if (!(ctx.path().startsWith("/api/") || ctx.path().equals(MetricsRoute.PATH))
                || ctx.method() == HandlerType.OPTIONS) {
            return; // the console's files are public; CORS preflights carry no credentials
        }
        String address = ctx.ip();
        if (failedLogins.blocked(address)) {
            ctx.header("Retry-After", String.valueOf(failedLogins.window().toSeconds()));
            throw new ApiException(429, "too many wrong tokens from " + address + ": try again in at most "
                    + failedLogins.window().toSeconds() + " s");
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw unauthorized(ctx, "an API token is required: send Authorization: Bearer <token>");
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw unauthorized(ctx, "the Authorization header must be Bearer <token>");
        }
        Optional<ApiToken> token = tokens.authenticate(header.substring(BEARER.length()).strip());
        if (token.isEmpty()) {
            failedLogins.failed(address);
            LOG.warn("a wrong API token from {} for {} {}", address, ctx.method(), ctx.path());
            throw unauthorized(ctx, "the API token is not valid (revoked, or never issued)");
        }
        ctx.attribute(CALLER, token.get()); // known before the role check, so that a refusal is logged with it
        Role required = required(ctx);
        if (!token.get().role().includes(required)) {
            throw new ApiException(403, "this needs the " + required.label() + " role; token '" + token.get().name()
                    + "' has " + token.get().role().label());
        }
    }

    private static Role required(Context ctx) {
        Role required = Role.VIEWER;
        for (RouteRole role : ctx.routeRoles()) {
            if (role instanceof Role r && r.includes(required)) {
                required = r;
            }
        }
        return required;
    }

    private static ApiException unauthorized(Context ctx, String message) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"portfolio\"");
        return new ApiException(401, message);
    }
}
