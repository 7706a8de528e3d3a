package io.github.lwm2mportfolio.server.rest;

import java.util.Arrays;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.DeviceQuery;
import io.github.lwm2mportfolio.server.rest.RestApi.ApiException;
import io.javalin.http.Context;

/** Reads and checks what a request sends, query parameters and JSON bodies; bad input is a 400. */
final class RequestInput {

    private static final int DEFAULT_PAGE_SIZE = 50;

    private RequestInput() {
    }

    /** The fleet filter and page of {@code ?state=&q=&page=&size=}. */
    static DeviceQuery deviceQuery(Context ctx) {
        ComplianceState state = null;
        String stateParam = blankToNull(ctx.queryParam("state"));
        if (stateParam != null) {
            try {
                state = ComplianceState.valueOf(stateParam.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "state must be one of " + Arrays.toString(ComplianceState.values())
                        + ", got '" + stateParam + "'");
            }
        }
        int page = intParam(ctx, "page", 0);
        if (page < 0) {
            throw new ApiException(400, "page must be 0 or more, got " + page);
        }
        int size = intParam(ctx, "size", DEFAULT_PAGE_SIZE);
        if (size < 1 || size > DeviceQuery.MAX_SIZE) {
            throw new ApiException(400, "size must be 1 to " + DeviceQuery.MAX_SIZE + ", got " + size);
        }
        return new DeviceQuery(state, blankToNull(ctx.queryParam("q")), page, size);
    }

    private static int intParam(Context ctx, String name, int defaultValue) {
        String value = blankToNull(ctx.queryParam(name));
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ApiException(400, name + " must be an integer, got '" + value + "'");
        }
    }

    static JsonNode jsonBody(Context ctx, ObjectMapper mapper) {
        String body = ctx.body();
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

    /** A string field, stripped; null when it is missing, null or blank. */
    static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new ApiException(400, field + " must be a string");
        }
        return blankToNull(value.asText());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
