package io.github.lwm2mportfolio.server.inventory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.Flyway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Connects to the inventory database: a connection pool tuned for H2 or PostgreSQL, and the schema migrated
 * by Flyway ({@code db/migration}, plus {@code db/postgresql} on PostgreSQL).
 */
final class DatabaseSetup {

    private DatabaseSetup() {
    }

    /**
     * The pool of a migrated database.
     *
     * @throws IllegalStateException when the database cannot be reached or migrated, with a one-line reason
     *         that names the URL without its password
     */
    static HikariDataSource openPool(String jdbcUrl) {
        String shown = DatabaseUrls.redact(jdbcUrl);
        boolean h2 = DatabaseUrls.isH2(jdbcUrl);
        boolean postgres = DatabaseUrls.isPostgres(jdbcUrl);
        HikariDataSource dataSource = null;
        try {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(h2 ? DatabaseUrls.withH2Options(jdbcUrl) : jdbcUrl);
            config.setPoolName("portfolio-inventory");
            config.setMaximumPoolSize(10);
            config.setConnectionTimeout(10_000);
            config.setInitializationFailTimeout(1);
            if (h2) {
                // a certification replacement may hold many row locks for a while
                config.setConnectionInitSql("SET LOCK_TIMEOUT 30000");
            } else if (postgres) {
                // plan each query with its values: a generic plan cannot use the trigram index for LIKE ?
                config.setConnectionInitSql("SET plan_cache_mode = force_custom_plan");
            }
            dataSource = new HikariDataSource(config);
            List<String> locations = new ArrayList<>(List.of("classpath:db/migration"));
            if (postgres) {
                locations.add("classpath:db/postgresql");
            }
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations(locations.toArray(String[]::new))
                    .placeholders(Map.of("collate", postgres ? "COLLATE \"C\"" : ""))
                    .load()
                    .migrate();
            return dataSource;
        } catch (RuntimeException e) {
            if (dataSource != null) {
                dataSource.close();
            }
            String reason = DatabaseUrls.redactText(rootMessage(e), jdbcUrl);
            IllegalStateException failure = new IllegalStateException(
                    "cannot open the inventory database " + shown + ": " + reason);
            // the cause's messages and stack may carry the password
            if (DatabaseUrls.passwords(jdbcUrl).isEmpty()) {
                failure.initCause(e);
            }
            throw failure;
        }
    }

    /** The driver's own words when there are some (the first SQLException in the chain), else the deepest. */
    private static String rootMessage(Throwable e) {
        Throwable deepest = e;
        String message = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            deepest = t;
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
                if (t instanceof SQLException) {
                    break;
                }
            }
        }
        if (message == null) {
            message = deepest.getClass().getSimpleName();
        }
        String oneLine = message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }
}
