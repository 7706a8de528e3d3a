package io.github.lwm2mportfolio.server.inventory;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The orders the fleet list can be read in, each a column of the devices table and then the endpoint, so that
 * every device has one place in the order and a cursor (the last row's value and endpoint) says where the next
 * page starts. Only the endpoint order reads an index; the others sort the devices that match, which at
 * 100,000 devices costs about what a search does.
 */
public enum DeviceSort {
    ENDPOINT("endpoint", "endpoint", SortValue.TEXT, row -> row.endpoint),
    MANUFACTURER("manufacturer", "host_manufacturer", SortValue.TEXT, row -> row.host.manufacturer()),
    MODEL("model", "host_model", SortValue.TEXT, row -> row.host.model()),
    SOFTWARE_VERSION("softwareVersion", "host_software_version", SortValue.TEXT,
            row -> row.host.softwareVersion()),
    UNIQUE_ID("uniqueId", "host_unique_id", SortValue.TEXT, row -> row.host.uniqueId()),
    LAST_SEEN("lastSeen", "last_seen", SortValue.NUMBER,
            row -> row.lastSeen == null ? null : row.lastSeen.toEpochMilli()),
    ONLINE("online", "online", SortValue.BOOLEAN, row -> row.online),
    VERDICT("verdict", "verification_outcome", SortValue.TEXT,
            row -> row.lastVerification == null ? null : row.lastVerification.outcome().name());

    /** How a column's value travels in a cursor. */
    enum SortValue { TEXT, NUMBER, BOOLEAN }

    private final String apiName;
    private final String column;
    private final SortValue type;
    private final Function<DeviceRow, Object> value;

    DeviceSort(String apiName, String column, SortValue type, Function<DeviceRow, Object> value) {
        this.apiName = apiName;
        this.column = column;
        this.type = type;
        this.value = value;
    }

    /** The name in {@code ?sort=}, as the JSON field it orders by is named. */
    public String apiName() {
        return apiName;
    }

    String column() {
        return column;
    }

    SortValue type() {
        return type;
    }

    /** The row's value in this order (null sorts after every value, as both databases put NULLs highest). */
    Object valueOf(DeviceRow row) {
        return value.apply(row);
    }

    /** The order named {@code name} in the API, case-insensitive. */
    public static Optional<DeviceSort> byApiName(String name) {
        return Arrays.stream(values()).filter(s -> s.apiName.toLowerCase(Locale.ROOT)
                .equals(name.toLowerCase(Locale.ROOT))).findFirst();
    }

    /** The API names, for an error message. */
    public static String apiNames() {
        return String.join(", ", Arrays.stream(values()).map(DeviceSort::apiName).toList());
    }
}
