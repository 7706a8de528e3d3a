package io.github.lwm2mportfolio.server.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import org.eclipse.jetty.util.thread.ThreadPool;

import io.github.lwm2mportfolio.server.ListenAddresses;
import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.collector.DeviceOperations;
import io.github.lwm2mportfolio.server.inventory.Inventory;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;

/**
 * The REST API of docs/DESIGN.md on Javalin: the fleet list, one device, verify and Identity writes on
 * demand ({@link DeviceRoutes}), compliance counts and report ({@link ComplianceRoutes}), certifications
 * ({@link CertificationRoutes}), DTLS credentials ({@link CredentialRoutes}), server-sent events
 * ({@link EventStream}), API tokens ({@link TokenRoutes}), revocations ({@link RevocationRoutes}), health without
 * a token ({@link HealthRoutes}), Prometheus metrics with a viewer token ({@link MetricsRoute}), the OpenAPI description, and the web console's files (classpath
 * {@code /console}) with its login and activity routes ({@link ConsoleRoutes}). Every change is logged with its
 * caller ({@link ChangeLog}). Every {@code /api} route
 * needs a token whose role includes the route's ({@link AccessGuard}). Every error leaves through
 * {@link ApiErrors}, as {@code {"error": "..."}}.
 */
public final class RestApi {

    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);

    private final RestSettings settings;
    private final Inventory inventory;
    private final DeviceOperations devices;
    private final ObjectMapper mapper;
    private final byte[] openApi;
    private final EventStream eventStream;
    private final HealthChecks health;
    private final ConsoleLogins consoleLogins;
    private final ActivityCounts activity;
    private final Supplier<String> metrics;
    /** Null for a server alone. */
    private final DeviceHolders holders;
    private Javalin app;
    /** Set when the server stops: every request but health is answered 503 with it. */
    private volatile String refusal;
    private volatile long retrySeconds;

    private RestApi(RestSettings settings, Inventory inventory, DeviceOperations devices, ServerEvents events,
            HealthChecks health, Supplier<String> metrics, DeviceHolders holders) {
        this.settings = settings;
        this.holders = holders;
        this.metrics = metrics;
        this.health = health;
        this.inventory = inventory;
        this.devices = devices;
        this.mapper = objectMapper();
        this.openApi = resource("/openapi.json");
        this.eventStream = new EventStream(events, mapper, settings.maxEventStreams());
        this.consoleLogins = new ConsoleLogins(inventory.tokens(), Clock.systemUTC());
        this.activity = new ActivityCounts(events, Clock.systemUTC());
    }

    /**
     * Builds the API with the default {@link RestSettings} on this address and port, and starts it.
     *
     * @param host the address to listen on
     * @param port 0 for any free port (see {@link #port()})
     */
    public static RestApi start(String host, int port, Inventory inventory, DeviceOperations devices,
            ServerEvents events) {
        return start(RestSettings.defaults().withAddress(host, port), inventory, devices, events);
    }

    /** Builds the API and starts it; {@code /health/ready} checks the database only. */
    public static RestApi start(RestSettings settings, Inventory inventory, DeviceOperations devices,
            ServerEvents events) {
        return start(settings, inventory, devices, events, HealthChecks.NONE);
    }

    /** Builds the API and starts it; {@code /health/ready} checks the database and {@code health}. */
    public static RestApi start(RestSettings settings, Inventory inventory, DeviceOperations devices,
            ServerEvents events, HealthChecks health) {
        return start(settings, inventory, devices, events, health, null);
    }

    /**
     * Builds the API and starts it; {@code /health/ready} checks the database and {@code health};
     * {@code GET /metrics} answers {@code metrics}' Prometheus text (no such route when null).
     */
    public static RestApi start(RestSettings settings, Inventory inventory, DeviceOperations devices,
            ServerEvents events, HealthChecks health, Supplier<String> metrics) {
        return start(settings, inventory, devices, events, health, metrics, null);
    }

    /**
     * The same for one server node of several: verify and Identity writes of a device registered through another
     * node are forwarded to it ({@code holders}), and every answer names the node that gave it
     * ({@link DeviceHolders#ANSWERED_BY}).
     */
    public static RestApi start(RestSettings settings, Inventory inventory, DeviceOperations devices,
            ServerEvents events, HealthChecks health, Supplier<String> metrics, DeviceHolders holders) {
        RestApi api = new RestApi(settings, inventory, devices, events, health, metrics, holders);
        api.app = api.build();
        try {
            api.app.start(settings.host(), settings.port());
        } catch (RuntimeException e) { // a port in use: leave no Jetty threads behind
            api.stop();
            throw e;
        }
        LOG.info("REST API listening on {}/api", api.uri());
        return api;
    }

    /** The base URI, e.g. http://127.0.0.1:8080 (https:// when HTTPS is on). */
    /** Whether the API listens on every interface (bound to 0.0.0.0 or ::). */
    public boolean onAllInterfaces() {
        return ListenAddresses.isWildcard(settings.host());
    }

    /** E.g. http://127.0.0.1:8080: an API on every interface (0.0.0.0, ::) is named by 127.0.0.1. */
    public String uri() {
        String host = ListenAddresses.isWildcard(settings.host()) ? "127.0.0.1"
                : settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        return (settings.https() == null ? "http://" : "https://") + host + ":" + port();
    }

    /** The JSON mapping of the API: ISO-8601 instants, enums by name. */
    public static ObjectMapper objectMapper() {
        return JsonMapper.builder().addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    }

    public int port() {
        return app.port();
    }

    /** Jetty's pool of request threads, for its figures on {@code /metrics}. */
    public ThreadPool threadPool() {
        return app.jettyServer().server().getThreadPool();
    }

    /**
     * The web console's address with a new one-time login code in its fragment, which browsers never send to the
     * server (nor into its access log): {@code http://127.0.0.1:8080/#login=...}.
     */
    public String consoleLoginLink() {
        return uri() + "/#login=" + consoleLogins.issue();
    }

    /**
     * Answers every request from now on, but those of {@code /health}, 503 {@code {"error": reason}} with a
     * Retry-After of {@code retrySeconds}: a stopping server takes no new work.
     */
    public void refuseRequests(String reason, long retrySeconds) {
        this.retrySeconds = retrySeconds;
        this.refusal = reason;
    }

    private void refuseWhenStopping(Context ctx) {
        String reason = refusal;
        if (reason != null && !ctx.path().startsWith("/health/")) {
            ctx.header("Retry-After", String.valueOf(retrySeconds));
            throw new ApiException(503, reason);
        }
    }

    public void stop() {
        eventStream.stop();
        activity.close();
        app.stop();
    }

    /** How many event streams are open now. */
    int eventStreamCount() {
        return eventStream.count();
    }

    private Javalin build() {
        Javalin javalin = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(mapper, false));
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = settings.maxBodyBytes();
            if (!settings.corsOrigins().isEmpty()) {
                // only these origins' pages may call the API from a browser; none by default
                config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                    settings.corsOrigins().forEach(origin -> rule.allowHost(origin));
                    rule.exposeHeader("Retry-After");
                    rule.exposeHeader(DeviceHolders.ANSWERED_BY);
                }));
            }
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorPages(mapper)));
            config.requestLogger.http(ChangeLog::log);
            if (settings.https() != null) {
                config.jetty.addConnector((server, http) -> HttpsConnector.create(server, http, settings));
            }
            if (RestApi.class.getResource("/console") != null) {
                config.staticFiles.add(files -> {
                    files.hostedPath = "/";
                    files.directory = "/console";
                    files.location = Location.CLASSPATH;
                });
            }
        });
        SecurityHeaders.addTo(javalin);
        if (holders != null) {
            javalin.before(ctx -> ctx.header(DeviceHolders.ANSWERED_BY, holders.node()));
        }
        javalin.before(this::refuseWhenStopping);
        new AccessGuard(inventory.tokens(), new FailedLogins(settings.failedLoginLimit(), settings.failedLoginWindow()))
                .addTo(javalin);
        RequestBodies bodies = new RequestBodies(mapper, settings);
        new DeviceRoutes(inventory, devices, bodies, holders).addTo(javalin);
        new ComplianceRoutes(inventory).addTo(javalin);
        new CertificationRoutes(inventory, bodies).addTo(javalin);
        new RevocationRoutes(inventory, bodies).addTo(javalin);
        new CredentialRoutes(inventory, bodies).addTo(javalin);
        new TokenRoutes(inventory.tokens(), bodies).addTo(javalin);
        new HealthRoutes(inventory, health).addTo(javalin);
        if (metrics != null) {
            new MetricsRoute(metrics).addTo(javalin);
        }
        eventStream.addTo(javalin);
        new ConsoleRoutes(consoleLogins, activity, bodies).addTo(javalin);
        javalin.get("/api/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
        javalin.exception(HttpResponseException.class, ApiErrors::handleException);
        javalin.exception(Exception.class, ApiErrors::handleException);
        return javalin;
    }

    /** A failure with the HTTP status and the reason the client gets, plus optional extra JSON fields. */
    public static final class ApiException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final int status;
        private final transient Map<String, Object> details;

        public ApiException(int status, String message) {
            this(status, message, Map.of());
        }

        public ApiException(int status, String message, Map<String, Object> details) {
            super(message, null, false, false);
            this.status = status;
            this.details = new LinkedHashMap<>(details);
        }

        public int status() {
            return status;
        }

        public Map<String, Object> details() {
            return details;
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = RestApi.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
