package io.github.lwm2mportfolio.server.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * Where a page of the fleet list in an order other than the endpoint's ends: the last row's value in that order
 * and its endpoint, as an opaque URL-safe string (Base64 of a JSON pair) that a client passes back as
 * {@code after}. The endpoint order keeps the plain endpoint as its cursor.
 */
record SortCursor(Object value, String endpoint) {

    /** Longer than any cursor this class makes: the endpoint column and a host value, in Base64 of JSON. */
    static final int MAX_LENGTH = 8192;

    private static final ObjectMapper JSON = new ObjectMapper();

    static String after(DeviceSort sort, DeviceRow row) {
        Object value = sort.valueOf(row);
        ArrayNode pair = JSON.createArrayNode();
        switch (sort.type()) {
            case TEXT -> pair.add((String) value);
            case NUMBER -> pair.add((Long) value);
            case BOOLEAN -> pair.add((Boolean) value);
        }
        pair.add(row.endpoint);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(pair.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor in {@code after}; IllegalArgumentException when it was not made by this order. */
    static SortCursor parse(DeviceSort sort, String after) {
        JsonNode pair;
        try {
            pair = JSON.readTree(Base64.getUrlDecoder().decode(after));
        } catch (IllegalArgumentException | IOException e) {
            throw notACursor(sort);
        }
        if (pair == null || !pair.isArray() || pair.size() != 2 || !pair.get(1).isTextual()) {
            throw notACursor(sort);
        }
        JsonNode value = pair.get(0);
        if (value.isNull()) {
            return new SortCursor(null, pair.get(1).asText());
        }
        Object typed = switch (sort.type()) {
            case TEXT -> value.isTextual() ? value.asText() : null;
            case NUMBER -> value.isIntegralNumber() && value.canConvertToLong() ? value.asLong() : null;
            case BOOLEAN -> value.isBoolean() ? value.asBoolean() : null;
        };
        if (typed == null) {
            throw notACursor(sort);
        }
        return new SortCursor(typed, pair.get(1).asText());
    }

    private static IllegalArgumentException notACursor(DeviceSort sort) {
        return new IllegalArgumentException("after is not a cursor of the order sort=" + sort.apiName()
                + ": pass the next of the previous page as it came, with the same sort and order");
    }
}
