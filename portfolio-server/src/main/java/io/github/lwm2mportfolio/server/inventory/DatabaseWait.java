package io.github.lwm2mportfolio.server.inventory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits at start for a PostgreSQL database that does not accept connections yet (it starts with the server, or
 * is restarting): tries again after 1 s, 2 s, 4 s ... at most 30 s apart, and says so in one line at each
 * attempt (the reason in words, the URL without its password), up to a limit. Only an outage is waited for; a
 * refused login or a missing database is not, and is left to {@link JdbcInventory#open} to report. An embedded
 * (H2) database is never waited for.
 */
public final class DatabaseWait {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseWait.class);
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);
    /** How long one attempt may take to connect, so that a database that hangs is tried again too. */
    private static final String CONNECT_TIMEOUT_SECONDS = "5";

    private final String jdbcUrl;
    private final Duration limit;
    private final CountDownLatch cancel;
    private volatile String problem = "not tried yet";

    /**
     * @param limit how long to wait at most; zero: one attempt
     * @param cancel counted down to stop waiting (the server is asked to stop)
     */
    public DatabaseWait(String jdbcUrl, Duration limit, CountDownLatch cancel) {
        this.jdbcUrl = jdbcUrl;
        this.limit = limit;
        this.cancel = cancel;
    }

    /** Whether this URL is of a database that may be waited for (not embedded). */
    public static boolean applies(String jdbcUrl) {
        return jdbcUrl != null && DatabaseUrls.isPostgres(jdbcUrl);
    }

    /** Whether the first attempt connects: when it does not, the caller may serve health while {@link #await()}. */
    public boolean reachableNow() {
        return attempt();
    }

    /**
     * Returns once the database accepts a connection, or its failure is not an outage.
     *
     * @throws IllegalStateException when the limit passed, or the wait was cancelled
     */
    public void await() {
        long deadline = System.nanoTime() + limit.toNanos();
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; !attempt(); attempt++) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("the inventory database " + DatabaseUrls.redact(jdbcUrl) + " is "
                        + (limit.isZero() ? "" : "still ") + "unreachable" + (limit.isZero() ? "" : " after "
                        + words(limit)) + " (" + problem + "): start it, or wait longer for it");
            }
            Duration next = pause.compareTo(Duration.ofNanos(left)) < 0 ? pause : Duration.ofNanos(left);
            LOG.warn("waiting for the database {}: {}; attempt {}, next in {} (giving up in {})",
                    DatabaseUrls.redact(jdbcUrl), problem, attempt, words(next), words(Duration.ofNanos(left)));
            try {
                if (cancel.await(next.toNanos(), TimeUnit.NANOSECONDS)) {
                    throw new IllegalStateException("stopped while waiting for the database");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("stopped while waiting for the database", e);
            }
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
        }
        LOG.info("the database {} answers: starting", DatabaseUrls.redact(jdbcUrl));
    }

    /** Why the database is not there yet, in words; null once it is. */
    public String problem() {
        return problem;
    }

    /** True when connected, or when the failure is not an outage (not to be waited for). */
    private boolean attempt() {
        Properties properties = new Properties();
        properties.setProperty("connectTimeout", CONNECT_TIMEOUT_SECONDS);
        properties.setProperty("loginTimeout", CONNECT_TIMEOUT_SECONDS);
        try (Connection connection = DriverManager.getConnection(jdbcUrl, properties)) {
            problem = null;
            return true;
        } catch (SQLException e) {
            if (DatabaseOutage.isOutage(e) || "57P03".equals(e.getSQLState())) { // 57P03: starting up
                problem = "57P03".equals(e.getSQLState()) ? "it is starting up" : DatabaseOutage.cause(e);
                return false;
            }
            problem = null;
            return true;
        }
    }

    /** 30s, 2m, 1m30s: as the command line's durations are written. */
    private static String words(Duration duration) {
        long seconds = Math.max(0, (duration.toMillis() + 999) / 1000);
        if (seconds < 60) {
            return seconds + "s";
        }
        return seconds / 60 + "m" + (seconds % 60 == 0 ? "" : seconds % 60 + "s");
    }
}
