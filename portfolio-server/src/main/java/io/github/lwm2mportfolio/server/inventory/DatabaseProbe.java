package io.github.lwm2mportfolio.server.inventory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

/**
 * Whether the inventory's database answers, told within a bound even when the database hangs: a health check
 * must answer an orchestrator in time. One check runs at a time, on its own thread; while a check hangs, the
 * next asks wait for it (up to the bound) instead of piling up threads and connections.
 */
public final class DatabaseProbe implements AutoCloseable {

    private final DataSource dataSource;
    private final Duration within;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "inventory-probe");
        thread.setDaemon(true);
        return thread;
    });
    private Future<Optional<String>> running;

    public DatabaseProbe(DataSource dataSource, Duration within) {
        this.dataSource = dataSource;
        this.within = within;
    }

    /** Empty when the database answered a validity check within the bound, else what went wrong. */
    public Optional<String> problem() {
        Future<Optional<String>> check;
        try {
            check = currentCheck();
        } catch (RejectedExecutionException e) {
            return Optional.of("the inventory is closed");
        }
        try {
            return check.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Optional.of("the database did not answer within " + within.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while checking the database");
        } catch (ExecutionException e) {
            return Optional.of("the database check failed: " + e.getCause());
        }
    }

    private synchronized Future<Optional<String>> currentCheck() {
        if (running == null || running.isDone()) {
            running = worker.submit(this::check);
        }
        return running;
    }

    private Optional<String> check() {
        int seconds = (int) Math.max(1, within.toSeconds());
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(seconds) ? Optional.empty()
                    : Optional.of("the database did not answer a validity check within " + seconds + " s");
        } catch (SQLException e) { // shown without a token: the cause in words, never the driver's message
            return Optional.of("no database connection: " + DatabaseOutage.cause(e));
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
