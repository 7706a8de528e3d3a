package io.github.lwm2mportfolio.server.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.lwm2mportfolio.server.rest.RestApi.ApiException;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * What the web console needs beside the REST API: {@code POST /console/login} exchanges a one-time login code
 * ({@link ConsoleLogins}) for the console's API token, outside {@code /api} since it is how a token is got; and
 * {@code GET /api/activity}, the registrations and verdicts per minute over the last hour ({@link ActivityCounts},
 * read-only, any role).
 */
final class ConsoleRoutes {

    private final ConsoleLogins logins;
    private final ActivityCounts activity;
    private final RequestBodies bodies;

    ConsoleRoutes(ConsoleLogins logins, ActivityCounts activity, RequestBodies bodies) {
        this.logins = logins;
        this.activity = activity;
        this.bodies = bodies;
    }

    void addTo(Javalin javalin) {
        javalin.post("/console/login", this::login);
        javalin.get("/api/activity", this::lastHour);
    }

    private void login(Context ctx) {
        JsonNode code = bodies.json(ctx).get("code");
        if (code == null || !code.isTextual() || !ConsoleLogins.looksLikeCode(code.asText())) {
            throw new ApiException(400, "no login code in the request: the body must be {\"code\": \"...\"}, the"
                    + " text after #login= in the login link the server printed");
        }
        String token = logins.redeem(code.asText()).orElseThrow(() -> new ApiException(401,
                "this login link was used already, has expired (after " + ConsoleLogins.VALID_FOR.toMinutes()
                        + " minutes) or was never issued: paste an API token instead"));
        ctx.header("Cache-Control", "no-store");
        ctx.json(Map.of("token", token, "name", ConsoleLogins.SESSION_TOKEN, "role", "admin"));
    }

    private void lastHour(Context ctx) {
        List<ActivityCounts.Minute> minutes = activity.lastHour();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("minutes", minutes);
        body.put("registrations", minutes.stream().mapToLong(ActivityCounts.Minute::registrations).sum());
        body.put("verdicts", minutes.stream().mapToLong(ActivityCounts.Minute::verdicts).sum());
        ctx.json(body);
    }
}
