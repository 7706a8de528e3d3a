package io.github.lwm2mportfolio.server.rest;

import java.util.Arrays;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.DeviceCursorQuery;
import io.github.lwm2mportfolio.server.inventory.DeviceQuery;
import io.github.lwm2mportfolio.server.inventory.DeviceSort;
import io.github.lwm2mportfolio.server.inventory.InputRules;
import io.github.lwm2mportfolio.server.rest.RestApi.ApiException;
import io.javalin.http.Context;

/** Reads and checks what a request sends, query parameters and JSON bodies; bad input is a 400. */
final class RequestInput {

    private static final int DEFAULT_PAGE_SIZE = 50;

    private RequestInput() {
    }

    /**
     * Whether the fleet list is asked for by cursor ({@code after=}, {@code limit=}, or an order:
     * {@code sort=}, {@code order=}) rather than by offset ({@code page=}, {@code size=}, or nothing: the first
     * page, as before cursors); the two cannot be mixed.
     */
    static boolean pagesByCursor(Context ctx) {
        boolean cursor = ctx.queryParam("after") != null || ctx.queryParam("limit") != null || sortAsked(ctx);
        boolean offset = ctx.queryParam("page") != null || ctx.queryParam("size") != null;
        if (cursor && offset) {
            throw new ApiException(400, "page and size page by offset; after, limit, sort and order page by "
                    + "cursor: use one or the other");
        }
        return cursor;
    }

    /**
     * The fleet filter, order and page of {@code ?state=&q=&sort=&order=&after=&limit=&total=}. An empty
     * {@code after} is the start; it is taken as sent, not stripped, since it is an endpoint or a cursor.
     */
    static DeviceCursorQuery deviceCursorQuery(Context ctx) {
        DeviceSort sort = sort(ctx);
        String after = ctx.queryParam("after");
        int maxAfter = DeviceCursorQuery.maxAfterLength(sort);
        if (after != null && DeviceCursorQuery.length(after) > maxAfter) {
            throw new ApiException(400, "after must be at most " + maxAfter + " characters ("
                    + (sort == DeviceSort.ENDPOINT ? "the longest endpoint" : "the longest cursor") + "), got "
                    + DeviceCursorQuery.length(after));
        }
        int limit = intParam(ctx, "limit", DEFAULT_PAGE_SIZE);
        if (limit < 1 || limit > DeviceCursorQuery.MAX_LIMIT) {
            throw new ApiException(400, "limit must be 1 to " + DeviceCursorQuery.MAX_LIMIT + ", got " + limit);
        }
        try {
            return new DeviceCursorQuery(state(ctx), blankToNull(ctx.queryParam("q")),
                    after == null || after.isEmpty() ? null : after, limit, booleanParam(ctx, "total"), sort,
                    descending(ctx));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    /** Whether an order was asked for: only cursor pages have one. */
    private static boolean sortAsked(Context ctx) {
        return blankToNull(ctx.queryParam("sort")) != null || blankToNull(ctx.queryParam("order")) != null;
    }

    private static DeviceSort sort(Context ctx) {
        String name = blankToNull(ctx.queryParam("sort"));
        if (name == null) {
            return DeviceSort.ENDPOINT;
        }
        return DeviceSort.byApiName(name).orElseThrow(() -> new ApiException(400, "sort must be one of "
                + DeviceSort.apiNames() + ", got '" + name + "'"));
    }

    private static boolean descending(Context ctx) {
        String order = blankToNull(ctx.queryParam("order"));
        if (order == null || order.equalsIgnoreCase("asc")) {
            return false;
        }
        if (order.equalsIgnoreCase("desc")) {
            return true;
        }
        throw new ApiException(400, "order must be asc or desc, got '" + order + "'");
    }

    /** The fleet filter and page of {@code ?state=&q=&page=&size=}. */
    static DeviceQuery deviceQuery(Context ctx) {
        ComplianceState state = state(ctx);
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

    private static ComplianceState state(Context ctx) {
        String stateParam = blankToNull(ctx.queryParam("state"));
        if (stateParam == null) {
            return null;
        }
        try {
            return ComplianceState.valueOf(stateParam.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "state must be one of " + Arrays.toString(ComplianceState.values())
                    + ", got '" + stateParam + "'");
        }
    }

    private static boolean booleanParam(Context ctx, String name) {
        String value = blankToNull(ctx.queryParam(name));
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new ApiException(400, name + " must be true or false, got '" + value + "'");
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

    /** The {endpoint} of the path, a valid endpoint name ({@link InputRules#checkEndpoint}) or 400. */
    static String endpoint(Context ctx) {
        try {
            return InputRules.checkEndpoint(ctx.pathParam("endpoint"));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
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
