package io.github.lwm2mportfolio.server.rest;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.lwm2mportfolio.server.Revocations;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.inventory.Inventory;
import io.github.lwm2mportfolio.server.rest.RestApi.ApiException;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * {@code /api/revocations}: the revoked device certificates. {@code PUT} (admin) replaces the whole list with
 * {@code {"entries": ["<serial number or SHA-256 fingerprint, hex>", ...]}}, each as a line of a
 * {@code --revoked} file; the verifier uses it from the next verification on, and the inventory keeps it.
 */
final class RevocationRoutes {

    private final Inventory inventory;
    private final RequestBodies bodies;

    RevocationRoutes(Inventory inventory, RequestBodies bodies) {
        this.inventory = inventory;
        this.bodies = bodies;
    }

    void addTo(Javalin javalin) {
        javalin.get("/api/revocations", ctx -> ctx.json(view(inventory.revocations())));
        javalin.put("/api/revocations", this::replace, Role.ADMIN);
    }

    private void replace(Context ctx) {
        JsonNode entries = bodies.json(ctx).get("entries");
        if (entries == null || !entries.isArray()) {
            throw new ApiException(400, "the body must be {\"entries\": [\"<serial number or SHA-256 fingerprint "
                    + "in hex>\", ...]} (an empty list revokes nothing)");
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (!entries.get(i).isTextual()) {
                throw new ApiException(400, "entries[" + i + "] must be a string");
            }
            // one entry a line: a line break inside an entry would smuggle in a second one
            lines.add(entries.get(i).asText().replace('\n', ' ').replace('\r', ' '));
        }
        Revocations revocations;
        try {
            revocations = Revocations.parse(lines, "entries:");
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage().replace("entries: line ", "entry "));
        }
        inventory.replaceRevocations(revocations);
        ctx.json(view(revocations));
    }

    private static Map<String, Object> view(Revocations revocations) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("serialNumbers", revocations.serials().stream().sorted().map(serial -> serial.toString(16)).toList());
        body.put("fingerprints", revocations.fingerprints().stream().sorted().toList());
        body.put("count", revocations.size());
        return body;
    }
}
