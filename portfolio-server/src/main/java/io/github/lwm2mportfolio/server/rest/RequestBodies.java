package io.github.lwm2mportfolio.server.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.server.rest.RestApi.ApiException;
import io.javalin.http.Context;

/** The bodies routes take, each of its media type and within its limit ({@link BoundedBody}). */
final class RequestBodies {

    private final ObjectMapper mapper;
    private final RestSettings settings;

    RequestBodies(ObjectMapper mapper, RestSettings settings) {
        this.mapper = mapper;
        this.settings = settings;
    }

    /** A JSON object sent as application/json. */
    JsonNode json(Context ctx) {
        String body = BoundedBody.text(ctx, "application/json", settings.maxBodyBytes());
        if (body.isBlank()) {
            throw new ApiException(400, "the body must be a JSON object");
        }
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(400, "the body must be a JSON object");
        }
        return node;
    }

    /** A CSV file sent as text/csv (never text/plain, which a browser posts cross-site without asking). */
    String csv(Context ctx) {
        return BoundedBody.text(ctx, "text/csv", settings.maxCsvBytes());
    }
}
