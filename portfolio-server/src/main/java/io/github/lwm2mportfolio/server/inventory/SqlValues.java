package io.github.lwm2mportfolio.server.inventory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** How values are stored: instants as epoch milliseconds, and SQL NULL read back as Java null. */
final class SqlValues {

    private SqlValues() {
    }

    /** The instant as it will read back: to the millisecond. */
    static Instant millis(Instant at) {
        return Instant.ofEpochMilli(at.toEpochMilli());
    }

    static Long epochMillis(Instant at) {
        return at == null ? null : at.toEpochMilli();
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(value);
    }

    static Integer nullableInt(ResultSet rs, int column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
