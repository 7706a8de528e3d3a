package io.github.lwm2mportfolio.server.rest;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import org.eclipse.leshan.core.request.exception.RequestCanceledException;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.server.collector.CollectionUnderwayException;
import io.github.lwm2mportfolio.server.collector.CollectorBusyException;
import io.github.lwm2mportfolio.server.collector.DeviceOperations.DeviceOfflineException;
import io.github.lwm2mportfolio.server.inventory.DatabaseOutage;
import io.github.lwm2mportfolio.server.rest.RestApi.ApiException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.http.NotFoundResponse;
import io.lettuce.core.RedisException;

/** The one place where failures become HTTP codes and JSON bodies: {@code {"error": "...", ...details}}. */
final class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    /** Lettuce reconnects on its own, backing off up to 30 s. */
    private static final int REDIS_RETRY_AFTER_SECONDS = 5;

    static final String DEVICE_WENT_AWAY = "the device re-registered or went away during the request; try again";

    private ApiErrors() {
    }

    /** The SQLState of the first SQLException in the chain, or null when it is not a database failure. */
    private static String sqlState(Throwable exception) {
        for (Throwable t = exception; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return String.valueOf(sql.getSQLState());
            }
        }
        return exception instanceof JdbiException ? "unknown" : null;
    }

    /** What Redis said in the chain (a command timed out, the connection is down), or null when it did not fail. */
    private static String redisFailure(Throwable exception) {
        for (Throwable t = exception; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof RedisException redis) {
                return redis.getMessage();
            }
        }
        return null;
    }

    /** The exception handler of every route: unexpected failures are logged and answer 500. */
    static void handleException(Exception exception, Context ctx) {
        int status;
        String message;
        Map<String, Object> details = Map.of();
        if (exception instanceof ApiException api) {
            status = api.status();
            message = api.getMessage();
            details = api.details();
        } else if (exception instanceof NotFoundResponse) {
            status = 404;
            message = "no route " + ctx.method() + " " + ctx.path();
        } else if (exception instanceof MethodNotAllowedResponse) {
            status = 405;
            message = "method " + ctx.method() + " is not allowed on " + ctx.path();
        } else if (exception instanceof HttpResponseException http) {
            status = http.getStatus();
            message = http.getMessage();
        } else if (exception instanceof CollectorBusyException busy) {
            status = 503;
            message = busy.getMessage();
            ctx.header("Retry-After", String.valueOf(Math.max(1, busy.retryAfter().toSeconds())));
        } else if (exception instanceof CollectionUnderwayException underway) {
            status = 409;
            message = underway.getMessage();
            details = underway.holder() == null ? Map.of() : Map.of("collectingNode", underway.holder());
            ctx.header("Retry-After", String.valueOf(CollectionUnderwayException.RETRY_AFTER.toSeconds()));
        } else if (exception instanceof DeviceOfflineException) {
            status = 503;
            message = exception.getMessage();
        } else if (exception instanceof RequestCanceledException) {
            // Leshan cancels what is under way to a device when it registers again or deregisters
            status = 503;
            message = DEVICE_WENT_AWAY;
        } else if (exception instanceof TimeoutException) {
            status = 504;
            message = "the device did not answer in time";
        } else if (DatabaseOutage.isOutage(exception)) {
            status = 503;
            message = "the inventory database is unavailable: " + DatabaseOutage.cause(exception) + "; try again";
            ctx.header("Retry-After", String.valueOf(DatabaseOutage.RETRY_AFTER_SECONDS));
            LOG.warn("{} {}: {}", ctx.method(), ctx.path(), message);
        } else if (redisFailure(exception) != null) {
            status = 503;
            message = "the shared Redis is unavailable (" + redisFailure(exception) + "); try again";
            ctx.header("Retry-After", String.valueOf(REDIS_RETRY_AFTER_SECONDS));
            LOG.warn("{} {}: {}", ctx.method(), ctx.path(), message);
        } else if (sqlState(exception) != null) {
            // a database message names the statement and may carry its values (a key): never logged
            LOG.error("{} {} failed in the database: SQLState {} ({})", ctx.method(), ctx.path(), sqlState(exception),
                    exception.getClass().getSimpleName());
            status = 500;
            message = "internal error";
        } else {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), exception);
            status = 500;
            message = "internal error";
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.putAll(details);
        ctx.status(status).json(body);
    }
}
