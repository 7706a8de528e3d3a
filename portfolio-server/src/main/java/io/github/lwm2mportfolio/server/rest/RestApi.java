package io.github.lwm2mportfolio.server.rest;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.collector.DeviceOperations;
import io.github.lwm2mportfolio.server.collector.DeviceOperations.DeviceOfflineException;
import io.github.lwm2mportfolio.server.collector.DeviceOperations.WriteOutcome;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationCsv;
import io.github.lwm2mportfolio.server.compliance.CertificationCsvException;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.compliance.ComplianceReport;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.DeviceCredential;
import io.github.lwm2mportfolio.server.inventory.DeviceQuery;
import io.github.lwm2mportfolio.server.inventory.DeviceSummary;
import io.github.lwm2mportfolio.server.inventory.Inventory;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.github.lwm2mportfolio.server.inventory.Page;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;

/**
 * The REST API of docs/DESIGN.md on Javalin: the fleet list, one device, verify and Identity writes on
 * demand, compliance counts and report, certifications, DTLS credentials, server-sent events and the
 * OpenAPI description. Every error leaves through {@link #handleException}, as {@code {"error": "..."}}.
 */
public final class RestApi {

    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);

    /** How long a request waits for a device's answer before it answers 504. */
    static final Duration DEVICE_WAIT = Duration.ofSeconds(30);
    static final int DEFAULT_PAGE_SIZE = 50;
    /** Every this long an idle event stream gets a comment, which also finds clients that went away. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final int EVENT_QUEUE_LIMIT = 1000;
    private static final int MAX_RESOURCE_ID = 65534;
    private static final long MAX_REQUEST_BYTES = 16L * 1024 * 1024;
    private static final Object STOP = new Object();

    private final Inventory inventory;
    private final DeviceOperations devices;
    private final ServerEvents events;
    private final ObjectMapper mapper;
    private final byte[] openApi;
    private final Object certificationLock = new Object();
    private final Set<BlockingQueue<Object>> eventStreams = new CopyOnWriteArraySet<>();
    private volatile boolean stopping;
    private Javalin app;

    private RestApi(Inventory inventory, DeviceOperations devices, ServerEvents events) {
        this.inventory = inventory;
        this.devices = devices;
        this.events = events;
        this.mapper = objectMapper();
        this.openApi = resource("/openapi.json");
    }

    /**
     * Builds the API and starts it.
     *
     * @param host the address to listen on, null for all
     * @param port 0 for any free port (see {@link #port()})
     */
    public static RestApi start(String host, int port, Inventory inventory, DeviceOperations devices,
            ServerEvents events) {
        RestApi api = new RestApi(inventory, devices, events);
        api.app = api.build();
        if (host == null) {
            api.app.start(port);
        } else {
            api.app.start(host, port);
        }
        LOG.info("REST API listening on http://{}:{}/api", host == null ? "0.0.0.0" : host, api.port());
        return api;
    }

    /** The JSON mapping of the API: ISO-8601 instants, enums by name. */
    public static ObjectMapper objectMapper() {
        return JsonMapper.builder().addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    }

    public int port() {
        return app.port();
    }

    public void stop() {
        stopping = true;
        for (BlockingQueue<Object> stream : eventStreams) {
            stream.offer(STOP);
        }
        app.stop();
    }

    /** How many event streams are open now. */
    int eventStreamCount() {
        return eventStreams.size();
    }

    private Javalin build() {
        Javalin javalin = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(mapper, false));
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = MAX_REQUEST_BYTES;
            if (RestApi.class.getResource("/console") != null) {
                config.staticFiles.add(files -> {
                    files.hostedPath = "/";
                    files.directory = "/console";
                    files.location = Location.CLASSPATH;
                });
            }
        });
        javalin.get("/api/devices", this::listDevices);
        javalin.get("/api/devices/{endpoint}", this::getDevice);
        javalin.post("/api/devices/{endpoint}/verify", this::verify);
        javalin.put("/api/devices/{endpoint}/portfolio/{n}/identity/{i}", this::writeIdentity);
        javalin.get("/api/compliance", this::complianceCounts);
        javalin.get("/api/compliance/report.csv", this::complianceReport);
        javalin.get("/api/certifications", this::getCertifications);
        javalin.post("/api/certifications", this::replaceCertifications);
        javalin.post("/api/certifications/unique-ids", this::replaceUniqueIds);
        javalin.get("/api/credentials", this::listCredentials);
        javalin.put("/api/credentials/{endpoint}", this::putCredential);
        javalin.delete("/api/credentials/{endpoint}", this::deleteCredential);
        javalin.before("/api/events", ctx -> {
            if (ctx.method() == HandlerType.GET && !"text/event-stream".equals(ctx.header("Accept"))) {
                throw new ApiException(406,
                        "/api/events is a server-sent event stream: send Accept: text/event-stream");
            }
        });
        javalin.sse("/api/events", this::streamEvents);
        javalin.get("/api/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
        javalin.exception(HttpResponseException.class, this::handleException);
        javalin.exception(Exception.class, this::handleException);
        return javalin;
    }

    // ---- devices

    private void listDevices(Context ctx) {
        ctx.json(inventory.devices(query(ctx)));
    }

    private void getDevice(Context ctx) {
        String endpoint = ctx.pathParam("endpoint");
        ctx.json(inventory.device(endpoint).orElseThrow(() -> noDevice(endpoint)));
    }

    private void verify(Context ctx) {
        String endpoint = knownDevice(ctx);
        Verification verdict = await(endpoint, devices.verifyNow(endpoint));
        ctx.json(verdict);
    }

    private void writeIdentity(Context ctx) {
        String endpoint = knownDevice(ctx);
        int instanceId = resourceId(ctx, "n");
        int identityId = resourceId(ctx, "i");
        String value = identityValue(ctx);
        String path = "/16/" + instanceId + "/0/" + identityId;
        WriteOutcome outcome = await(endpoint, devices.writeIdentity(endpoint, instanceId, identityId, value));
        if (outcome.success()) {
            ctx.json(Map.of("code", outcome.code()));
            return;
        }
        String reason = outcome.errorMessage() == null || outcome.errorMessage().isBlank() ? ""
                : ": " + outcome.errorMessage();
        String code = String.valueOf(outcome.code());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("deviceCode", code);
        details.put("deviceMessage", outcome.errorMessage());
        switch (code) {
        case "UNAUTHORIZED" -> throw new ApiException(409,
                "device '" + endpoint + "' refused to write " + path + ": the Identity is locked" + reason, details);
        case "NOT_FOUND" -> throw new ApiException(404,
                "device '" + endpoint + "' has no " + path + reason, details);
        case "BAD_REQUEST" -> throw new ApiException(400,
                "device '" + endpoint + "' rejected the value for " + path + reason, details);
        default -> throw new ApiException(502,
                "device '" + endpoint + "' answered " + code + " to the write of " + path + reason, details);
        }
    }

    private DeviceQuery query(Context ctx) {
        ComplianceState state = null;
        String stateParam = blankToNull(ctx.queryParam("state"));
        if (stateParam != null) {
            try {
                state = ComplianceState.valueOf(stateParam.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "state must be one of " + Arrays.toString(ComplianceState.values())
                        + ", got '" + stateParam + "'");
            }
        }
        int page = intParam(ctx, "page", 0);
        if (page < 0) {
            throw new ApiException(400, "page must be 0 or more, got " + page);
        }
        int size = intParam(ctx, "size", DEFAULT_PAGE_SIZE);
        if (size < 1 || size > DeviceQuery.MAX_SIZE) {
            throw new ApiException(400, "size must be 1 to " + DeviceQuery.MAX_SIZE + ", got " + size);
        }
        return new DeviceQuery(state, blankToNull(ctx.queryParam("q")), page, size);
    }

    private static int intParam(Context ctx, String name, int defaultValue) {
        String value = blankToNull(ctx.queryParam(name));
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ApiException(400, name + " must be an integer, got '" + value + "'");
        }
    }

    private static int resourceId(Context ctx, String name) {
        String value = ctx.pathParam(name);
        try {
            int id = Integer.parseInt(value);
            if (id >= 0 && id <= MAX_RESOURCE_ID) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiException(400,
                name + " must be an integer from 0 to " + MAX_RESOURCE_ID + ", got '" + value + "'");
    }

    private String identityValue(Context ctx) {
        JsonNode value = jsonBody(ctx).get("value");
        if (value == null || value.isNull()) {
            throw new ApiException(400, "the body must be {\"value\": \"...\"}");
        }
        if (!value.isTextual()) {
            throw new ApiException(400, "value must be a string");
        }
        if (value.asText().isBlank()) {
            throw new ApiException(400, "value must not be blank");
        }
        return value.asText();
    }

    private String knownDevice(Context ctx) {
        String endpoint = ctx.pathParam("endpoint");
        if (inventory.device(endpoint).isEmpty()) {
            throw noDevice(endpoint);
        }
        return endpoint;
    }

    private static ApiException noDevice(String endpoint) {
        return new ApiException(404, "no device '" + endpoint + "'");
    }

    /** Waits for a device's answer; offline and timeouts become 503 and 504. */
    private static <T> T await(String endpoint, CompletableFuture<T> answer) {
        try {
            return answer.get(DEVICE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(false);
            throw deviceTimeout(endpoint);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted while waiting for device '" + endpoint + "'");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TimeoutException) {
                throw deviceTimeout(endpoint);
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("device operation on '" + endpoint + "' failed", cause);
        }
    }

    private static ApiException deviceTimeout(String endpoint) {
        return new ApiException(504, "device '" + endpoint + "' did not answer in time");
    }

    // ---- compliance

    private void complianceCounts(Context ctx) {
        Map<ComplianceState, Long> counts = inventory.complianceCounts();
        Map<String, Long> perState = new LinkedHashMap<>();
        long total = 0;
        for (ComplianceState state : ComplianceState.values()) {
            long count = counts.getOrDefault(state, 0L);
            perState.put(state.name(), count);
            total += count;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("counts", perState);
        body.put("total", total);
        ctx.json(body);
    }

    /** Streams the report: a large fleet never sits in memory as one text. */
    private void complianceReport(Context ctx) throws IOException {
        DeviceQuery first = query(ctx);
        ctx.header("Content-Disposition", "attachment; filename=\"compliance-report.csv\"");
        ctx.contentType("text/csv; charset=utf-8");
        Writer out = new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8));
        out.write(ComplianceReport.HEADER + "\r\n");
        if (first.state() == null && first.text() == null && inventory instanceof JdbcInventory jdbc) {
            jdbc.forEachDevice(device -> ComplianceReport.appendRow(out, device));
        } else {
            DeviceQuery query = new DeviceQuery(first.state(), first.text(), 0, DeviceQuery.MAX_SIZE);
            long written = 0;
            while (true) {
                Page<DeviceSummary> page = inventory.devices(query);
                for (DeviceSummary device : page.items()) {
                    ComplianceReport.appendRow(out, device);
                }
                written += page.items().size();
                if (page.items().isEmpty() || written >= page.total()) {
                    break;
                }
                query = new DeviceQuery(query.state(), query.text(), query.page() + 1, query.size());
            }
        }
        out.flush();
    }

    // ---- certifications

    private void getCertifications(Context ctx) {
        CertificationList list = inventory.certifications();
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("text/csv")) {
            ctx.contentType("text/csv; charset=utf-8").result(CertificationCsv.toCsv(list.records()));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("records", list.records());
        body.put("allocatedUniqueIds", new TreeSet<>(list.allocatedUniqueIds()));
        ctx.json(body);
    }

    private void replaceCertifications(Context ctx) {
        String csv = csvBody(ctx);
        List<Certification> records;
        try {
            records = CertificationCsv.parseCertifications(new StringReader(csv));
        } catch (CertificationCsvException e) {
            throw badCsv(e);
        }
        synchronized (certificationLock) {
            CertificationList current = inventory.certifications();
            inventory.replaceCertifications(new CertificationList(records, current.allocatedUniqueIds()));
        }
        LOG.info("certification list replaced: {} records", records.size());
        ctx.json(Map.of("count", records.size()));
    }

    private void replaceUniqueIds(Context ctx) {
        String csv = csvBody(ctx);
        Set<String> uniqueIds;
        try {
            uniqueIds = CertificationCsv.parseUniqueIds(new StringReader(csv));
        } catch (CertificationCsvException e) {
            throw badCsv(e);
        }
        synchronized (certificationLock) {
            CertificationList current = inventory.certifications();
            inventory.replaceCertifications(new CertificationList(current.records(), uniqueIds));
        }
        LOG.info("allocated unique IDs replaced: {}", uniqueIds.size());
        ctx.json(Map.of("count", uniqueIds.size()));
    }

    private static String csvBody(Context ctx) {
        String type = ctx.contentType();
        if (type != null) {
            String mime = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (!mime.equals("text/csv") && !mime.equals("text/plain")) {
                throw new ApiException(415, "the body must be text/csv, got " + mime);
            }
        }
        return ctx.body();
    }

    private static ApiException badCsv(CertificationCsvException e) {
        return new ApiException(400, e.getMessage(), Map.of("line", e.lineNumber()));
    }

    // ---- credentials

    private void listCredentials(Context ctx) {
        ctx.json(inventory.credentials().stream().map(RestApi::credentialView).toList());
    }

    private void putCredential(Context ctx) {
        String endpoint = ctx.pathParam("endpoint");
        if (endpoint.isBlank()) {
            throw new ApiException(400, "the endpoint name must not be blank");
        }
        DeviceCredential credential = credential(endpoint, jsonBody(ctx));
        if (credential.pskIdentity() != null) {
            Optional<DeviceCredential> holder = inventory.credentialByPskIdentity(credential.pskIdentity());
            if (holder.isPresent() && !holder.get().endpoint().equals(endpoint)) {
                throw new ApiException(409, "PSK identity '" + credential.pskIdentity() + "' is already used by '"
                        + holder.get().endpoint() + "'");
            }
        }
        try {
            inventory.putCredential(credential);
        } catch (IllegalArgumentException e) {
            // checked above; only a concurrent PUT of the same PSK identity gets here
            throw new ApiException(409, e.getMessage());
        }
        LOG.info("credential of {} set: {}", endpoint, credential.kind());
        ctx.json(credentialView(credential));
    }

    private void deleteCredential(Context ctx) {
        String endpoint = ctx.pathParam("endpoint");
        if (!inventory.removeCredential(endpoint)) {
            throw new ApiException(404, "no credential for '" + endpoint + "'");
        }
        LOG.info("credential of {} removed", endpoint);
        ctx.status(204);
    }

    private static DeviceCredential credential(String endpoint, JsonNode body) {
        String kindText = text(body, "kind");
        if (kindText == null) {
            throw new ApiException(400, "kind is required: PSK, RPK or X509");
        }
        DeviceCredential.Kind kind;
        try {
            kind = DeviceCredential.Kind.valueOf(kindText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "kind must be PSK, RPK or X509, got '" + kindText + "'");
        }
        Set<String> allowed = switch (kind) {
        case PSK -> Set.of("kind", "pskIdentity", "pskKeyHex");
        case RPK -> Set.of("kind", "publicKeyHex");
        case X509 -> Set.of("kind");
        };
        List<String> extra = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                extra.add(name);
            }
        });
        if (!extra.isEmpty()) {
            throw new ApiException(400, kind + " takes only " + new TreeSet<>(allowed) + ", not " + extra);
        }
        return switch (kind) {
        case PSK -> {
            String identity = text(body, "pskIdentity");
            if (identity == null) {
                throw new ApiException(400, "pskIdentity is required for PSK");
            }
            yield new DeviceCredential(endpoint, kind, identity, hex(body, "pskKeyHex"));
        }
        case RPK -> {
            byte[] key = hex(body, "publicKeyHex");
            checkPublicKey(key);
            yield new DeviceCredential(endpoint, kind, null, key);
        }
        case X509 -> new DeviceCredential(endpoint, kind, null, null);
        };
    }

    private static byte[] hex(JsonNode body, String field) {
        String value = text(body, field);
        if (value == null) {
            throw new ApiException(400, field + " is required");
        }
        try {
            return HexFormat.of().parseHex(value);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, field + " must be hexadecimal: " + e.getMessage());
        }
    }

    /** An RPK must be a SubjectPublicKeyInfo of a key DTLS can use (EC or EdDSA). */
    private static void checkPublicKey(byte[] der) {
        for (String algorithm : List.of("EC", "EdDSA")) {
            try {
                KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
                return;
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // try the next algorithm
            }
        }
        throw new ApiException(400, "publicKeyHex must be an EC or EdDSA public key (SubjectPublicKeyInfo DER)");
    }

    /** What a credential shows: never a key. */
    private static Map<String, Object> credentialView(DeviceCredential credential) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("endpoint", credential.endpoint());
        view.put("kind", credential.kind().name());
        if (credential.pskIdentity() != null) {
            view.put("pskIdentity", credential.pskIdentity());
        }
        return view;
    }

    // ---- events

    private void streamEvents(SseClient client) {
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>(EVENT_QUEUE_LIMIT);
        eventStreams.add(queue);
        try (AutoCloseable subscription = events.subscribe(event -> {
            if (!queue.offer(event)) {
                LOG.debug("an event stream is {} events behind: dropped one", EVENT_QUEUE_LIMIT);
            }
        })) {
            client.sendComment("connected");
            while (!stopping && !client.terminated()) {
                Object next = queue.poll(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
                if (next == STOP) {
                    break;
                }
                if (next == null) {
                    client.sendComment("keep-alive");
                } else {
                    ServerEvents.Event event = (ServerEvents.Event) next;
                    client.sendEvent(event.type(), mapper.writeValueAsString(event));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("event stream ended: {}", e.toString());
        } finally {
            eventStreams.remove(queue);
        }
    }

    // ---- errors

    /** The one place where failures become HTTP codes and JSON bodies. */
    private void handleException(Exception exception, Context ctx) {
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
        } else if (exception instanceof DeviceOfflineException) {
            status = 503;
            message = exception.getMessage();
        } else if (exception instanceof TimeoutException) {
            status = 504;
            message = "the device did not answer in time";
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

    // ---- helpers

    private JsonNode jsonBody(Context ctx) {
        String body = ctx.body();
        if (body.isBlank()) {
            throw new ApiException(400, "the body must be a JSON object");
        }
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(400, "the body must be a JSON object");
        }
        return node;
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new ApiException(400, field + " must be a string");
        }
        return blankToNull(value.asText());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
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
