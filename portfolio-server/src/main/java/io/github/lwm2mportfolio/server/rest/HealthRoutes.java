package io.github.lwm2mportfolio.server.rest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.github.lwm2mportfolio.server.inventory.Inventory;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * Health for orchestrators, without a token (outside {@code /api}): {@code GET /health/live} answers 200 while
 * the process serves HTTP; {@code GET /health/ready} answers 200 when the database answers (within a second,
 * even when it hangs) and every other check passes, else 503, each check with its reason.
 */
final class HealthRoutes {

    static final String LIVE = "/health/live";
    static final String READY = "/health/ready";

    private final Inventory inventory;
    private final HealthChecks others;

    HealthRoutes(Inventory inventory, HealthChecks others) {
        this.inventory = inventory;
        this.others = others;
    }

    void addTo(Javalin javalin) {
        javalin.get(LIVE, ctx -> answer(ctx, 200, Map.of("status", "UP")));
        javalin.get(READY, this::ready);
    }

    private void ready(Context ctx) {
        Map<String, Optional<String>> results = new LinkedHashMap<>();
        results.put("database", inventory.databaseProblem());
        results.putAll(others.run());
        Map<String, Object> checks = new LinkedHashMap<>();
        boolean up = true;
        for (Map.Entry<String, Optional<String>> result : results.entrySet()) {
            up &= result.getValue().isEmpty();
            checks.put(result.getKey(), result.getValue().<Map<String, Object>>map(
                    reason -> Map.of("status", "DOWN", "reason", reason)).orElse(Map.of("status", "UP")));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", checks);
        answer(ctx, up ? 200 : 503, body);
    }

    private static void answer(Context ctx, int status, Map<String, Object> body) {
        ctx.header("Cache-Control", "no-store").status(status).json(body);
    }
}
