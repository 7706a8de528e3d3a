package io.github.lwm2mportfolio.server.redis;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL schema of its own for a test of several server nodes, dropped on close: on the server of
 * {@code portfolio.test.postgres} (default 127.0.0.1:5432, db test). Skipped when unreachable, failed in CI.
 */
public final class TestPostgres implements AutoCloseable {

    private static final String SERVER = System.getProperty("portfolio.test.postgres",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private final String schema = "nodes_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);

    private TestPostgres() {
    }

    public static TestPostgres open() {
        TestPostgres postgres = new TestPostgres();
        try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + postgres.schema);
        } catch (SQLException e) {
            String reason = "PostgreSQL at " + SERVER + " cannot be reached: " + e.getMessage();
            if (System.getenv("CI") != null) {
                throw new AssertionError(reason + " (CI must test several nodes on PostgreSQL)", e);
            }
            Assumptions.abort(reason);
        }
        return postgres;
    }

    public String jdbcUrl() {
        return SERVER + (SERVER.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
