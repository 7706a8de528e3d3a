package io.github.lwm2mportfolio.server.inventory;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;

/**
 * A page of the fleet list by cursor: the devices whose endpoint sorts after {@code after} (null: from the
 * first device), in endpoint order, filtered as in {@link DeviceQuery}. Each page costs what the first one
 * does, however deep it is, where an offset page costs in proportion to its depth.
 *
 * @param after the last endpoint of the previous page ({@link CursorPage#next()}), or null
 * @param withTotal whether to count the devices that match the filter: with a text filter that takes a scan,
 *        so a client asks for it once rather than on every page
 */
public record DeviceCursorQuery(ComplianceState state, String text, String after, int limit, boolean withTotal) {

    public static final int MAX_LIMIT = DeviceQuery.MAX_SIZE;
    /** The width of the endpoint column: no endpoint is longer, so neither is a cursor. */
    public static final int MAX_AFTER_LENGTH = 1024;

    public DeviceCursorQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
        }
        if (after != null && length(after) > MAX_AFTER_LENGTH) {
            throw new IllegalArgumentException("after must be at most " + MAX_AFTER_LENGTH + " characters, got "
                    + length(after));
        }
    }

    /** Characters as the database counts them: code points, not UTF-16 units. */
    public static int length(String after) {
        return after.codePointCount(0, after.length());
    }
}
