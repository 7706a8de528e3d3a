package io.github.lwm2mportfolio.server.rest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.server.rest.RestApi.ApiException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;

/**
 * Health on the REST API's address while the server waits for its database at start, before anything else is
 * made: {@code /health/live} answers 200, {@code /health/ready} 503 with the database's reason, every other path
 * 503 {@code {"error": ...}} with a Retry-After. Stopped before the REST API takes the port.
 */
public final class StartupHealth implements AutoCloseable {

    private static final long RETRY_AFTER_SECONDS = 10;

    private final Javalin app;

    private StartupHealth(Javalin app) {
        this.app = app;
    }

    /**
     * Listens on the REST API's address and port (HTTPS when it is on).
     *
     * @param waitingFor why the server is not ready, e.g. "waiting for the database: it refused the connection"
     */
    public static StartupHealth start(RestSettings settings, Supplier<String> waitingFor) {
        ObjectMapper mapper = RestApi.objectMapper();
        Javalin javalin = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(mapper, false));
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorPages(mapper)));
            if (settings.https() != null) {
                config.jetty.addConnector((server, http) -> HttpsConnector.create(server, http, settings));
            }
        });
        javalin.before(ctx -> {
            if (!ctx.path().equals(HealthRoutes.LIVE) && !ctx.path().equals(HealthRoutes.READY)) {
                ctx.header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
                throw new ApiException(503, "the server is starting (" + waitingFor.get() + "); try again later");
            }
        });
        javalin.get(HealthRoutes.LIVE, ctx -> answer(ctx, 200, Map.of("status", "UP")));
        javalin.get(HealthRoutes.READY, ctx -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", "DOWN");
            body.put("checks", Map.of("database", Map.of("status", "DOWN", "reason", waitingFor.get())));
            answer(ctx, 503, body);
        });
        javalin.exception(Exception.class, ApiErrors::handleException);
        try {
            javalin.start(settings.host(), settings.port());
        } catch (RuntimeException e) {
            javalin.stop();
            throw e;
        }
        return new StartupHealth(javalin);
    }

    public int port() {
        return app.port();
    }

    private static void answer(Context ctx, int status, Map<String, Object> body) {
        ctx.header("Cache-Control", "no-store").status(status).json(body);
    }

    @Override
    public void close() {
        app.stop();
    }
}
