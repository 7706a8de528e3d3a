package io.github.lwm2mportfolio.server.inventory;

import java.util.Objects;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;

/**
 * A page of the fleet list by cursor: the devices after {@code after} (null: from the first device) in the
 * order {@code sort} (endpoint by default, then the endpoint within equal values), filtered as in
 * {@link DeviceQuery}. Each page costs what the first one does, however deep it is, where an offset page costs
 * in proportion to its depth.
 *
 * @param after the previous page's {@link CursorPage#next()}, or null: in the endpoint order that is the last
 *        endpoint, in the others an opaque cursor
 * @param withTotal whether to count the devices that match the filter: with a text filter that takes a scan,
 *        so a client asks for it once rather than on every page
 */
public record DeviceCursorQuery(ComplianceState state, String text, String after, int limit, boolean withTotal,
        DeviceSort sort, boolean descending) {

    public static final int MAX_LIMIT = DeviceQuery.MAX_SIZE;
    /** The width of the endpoint column: no endpoint is longer, so neither is an endpoint cursor. */
    public static final int MAX_AFTER_LENGTH = 1024;

    public DeviceCursorQuery {
        Objects.requireNonNull(sort, "sort");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
        }
        int maxAfter = maxAfterLength(sort);
        if (after != null && length(after) > maxAfter) {
            throw new IllegalArgumentException("after must be at most " + maxAfter + " characters, got "
                    + length(after));
        }
        if (after != null && sort != DeviceSort.ENDPOINT) {
            SortCursor.parse(sort, after); // refuses a cursor that this order did not make
        }
    }

    /** In endpoint order, ascending. */
    public DeviceCursorQuery(ComplianceState state, String text, String after, int limit, boolean withTotal) {
        this(state, text, after, limit, withTotal, DeviceSort.ENDPOINT, false);
    }

    /** The longest {@code after} of an order: an endpoint, or an opaque cursor holding a value and an endpoint. */
    public static int maxAfterLength(DeviceSort sort) {
        return sort == DeviceSort.ENDPOINT ? MAX_AFTER_LENGTH : SortCursor.MAX_LENGTH;
    }

    /** Characters as the database counts them: code points, not UTF-16 units. */
    public static int length(String after) {
        return after.codePointCount(0, after.length());
    }

    /** Whether this is the endpoint order, ascending, that the indexes hold. */
    boolean inEndpointOrder() {
        return sort == DeviceSort.ENDPOINT && !descending;
    }
}
