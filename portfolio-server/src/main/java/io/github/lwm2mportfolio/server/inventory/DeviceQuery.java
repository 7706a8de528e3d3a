package io.github.lwm2mportfolio.server.inventory;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;

/**
 * A page of the fleet list. text matches endpoint, manufacturer, model, software version or unique ID
 * (case-insensitive substring). page counts from 0.
 */
public record DeviceQuery(ComplianceState state, String text, int page, int size) {

    public static final int MAX_SIZE = 1000;

    public DeviceQuery {
        if (page < 0) {
            throw new IllegalArgumentException("page must be 0 or more, got " + page);
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("size must be 1 to " + MAX_SIZE + ", got " + size);
        }
    }
}
