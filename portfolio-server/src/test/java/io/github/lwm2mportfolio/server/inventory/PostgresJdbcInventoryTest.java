package io.github.lwm2mportfolio.server.inventory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;

/**
 * The inventory contract on PostgreSQL, in a schema of its own per test, dropped afterwards. The server is
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres} unless the system property
 * {@code portfolio.test.postgres} names another; when it cannot be reached the tests are skipped on a
 * developer's machine and fail in CI (environment variable CI set).
 */
class PostgresJdbcInventoryTest extends JdbcInventoryTest {

    static final String SERVER = System.getProperty("portfolio.test.postgres",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private String schema;

    static String withSchema(String schema) {
        return SERVER + (SERVER.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    static String createSchema() {
        String schema = "inv_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
            installTrigramsOnce(s);
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            String reason = "PostgreSQL at " + SERVER + " cannot be reached: " + e.getMessage();
            if (System.getenv("CI") != null) {
                throw new AssertionError(reason + " (CI must test the inventory on PostgreSQL)", e);
            }
            Assumptions.abort(reason);
        }
        return schema;
    }

    private static boolean trigramsTried;

    /**
     * Installs pg_trgm in public, when it can be, before any test schema would: the migration would otherwise
     * install it in the first test schema, and dropping that schema would take the extension with it.
     */
    private static synchronized void installTrigramsOnce(Statement s) {
        if (!trigramsTried) {
            trigramsTried = true;
            try {
                s.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public");
            } catch (SQLException e) {
                // the inventory works without it
            }
        }
    }

    static void dropSchema(String schema) throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Override
    String newDatabaseUrl() {
        schema = createSchema();
        return withSchema(schema);
    }

    @Override
    void dropDatabase() throws SQLException {
        if (schema != null) {
            dropSchema(schema);
        }
    }
}
