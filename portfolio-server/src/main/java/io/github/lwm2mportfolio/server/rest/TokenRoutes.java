package io.github.lwm2mportfolio.server.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.lwm2mportfolio.server.access.ApiToken;
import io.github.lwm2mportfolio.server.access.IssuedToken;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.access.TokenStore;
import io.github.lwm2mportfolio.server.access.TokenStore.DuplicateTokenException;
import io.github.lwm2mportfolio.server.rest.RestApi.ApiException;
import io.javalin.Javalin;
import io.javalin.http.Context;

/** {@code /api/tokens} (admin): API tokens listed (never their text), created (the text shown once), revoked. */
final class TokenRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(TokenRoutes.class);

    private final TokenStore tokens;
    private final RequestBodies bodies;

    TokenRoutes(TokenStore tokens, RequestBodies bodies) {
        this.tokens = tokens;
        this.bodies = bodies;
    }

    void addTo(Javalin javalin) {
        javalin.get("/api/tokens", this::listTokens, Role.ADMIN);
        javalin.post("/api/tokens", this::createToken, Role.ADMIN);
        javalin.delete("/api/tokens/{name}", this::revokeToken, Role.ADMIN);
    }

    private void listTokens(Context ctx) {
        ctx.json(tokens.list().stream().map(TokenRoutes::view).toList());
    }

    private void createToken(Context ctx) {
        JsonNode body = bodies.json(ctx);
        String name = RequestInput.text(body, "name");
        String roleText = RequestInput.text(body, "role");
        if (name == null || roleText == null) {
            throw new ApiException(400, "the body must be {\"name\": \"...\", \"role\": \"viewer|operator|admin\"}");
        }
        IssuedToken issued;
        try {
            issued = tokens.create(name, Role.parse(roleText));
        } catch (DuplicateTokenException e) {
            throw new ApiException(409, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        LOG.info("API token '{}' ({}) created by token '{}'", name, issued.token().role().label(),
                AccessGuard.callerName(ctx));
        Map<String, Object> view = view(issued.token());
        view.put("token", issued.secret());
        ctx.status(201).header("Cache-Control", "no-store").json(view);
    }

    /** Synchronized so that two revocations at once cannot both pass the last-admin check. */
    private synchronized void revokeToken(Context ctx) {
        String name = ctx.pathParam("name");
        if (isLastAdmin(name)) {
            throw new ApiException(409, "'" + name + "' is the last admin token: revoking it would lock every admin"
                    + " out; create another admin token first (portfolio tokens create --name NAME --role admin)");
        }
        if (!tokens.revoke(name)) {
            throw new ApiException(404, "no token named '" + name + "'");
        }
        LOG.info("API token '{}' revoked by token '{}'", name, AccessGuard.callerName(ctx));
        ctx.status(204);
    }

    /**
     * Whether this is the only admin token left. The console's session token does not count: it lives in one
     * browser and is replaced at each console login.
     */
    private boolean isLastAdmin(String name) {
        List<ApiToken> admins = tokens.list().stream()
                .filter(t -> t.role() == Role.ADMIN && !t.name().equals(ConsoleLogins.SESSION_TOKEN)).toList();
        return admins.size() == 1 && admins.get(0).name().equals(name);
    }

    private static Map<String, Object> view(ApiToken token) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", token.name());
        view.put("role", token.role().label());
        view.put("createdAt", token.createdAt());
        return view;
    }
}
