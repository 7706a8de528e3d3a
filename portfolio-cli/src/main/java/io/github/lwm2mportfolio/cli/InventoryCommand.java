package io.github.lwm2mportfolio.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code portfolio inventory}: the fleet of a running server, as a table, JSON or the compliance CSV report. */
@Command(name = "inventory", mixinStandardHelpOptions = true,
        description = "Show the fleet of a running portfolio server: host identities, verdicts, compliance.")
final class InventoryCommand implements Callable<Integer> {

    enum Format {
        table, json, csv
    }

    private static final int PAGE_SIZE = 1000;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };

    @Spec
    CommandSpec spec;

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "The server's REST API, http://HOST:PORT.")
    String url;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
            description = "table, json or csv (the compliance report). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--state", paramLabel = "STATE",
            description = "Only devices in this state: ${COMPLETION-CANDIDATES}.")
    ComplianceState state;

    @Option(names = "--q", paramLabel = "TEXT",
            description = "Only devices whose endpoint or host identity contains this text.")
    String text;

    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private HttpClient http;
    private String base;

    @Override
    public Integer call() throws Exception {
        base = baseUrl();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
        PrintWriter out = spec.commandLine().getOut();
        switch (format) {
        case table -> out.print(FleetTable.render(allDevices(), json(get("/api/compliance"))));
        case json -> out.println(mapper.writeValueAsString(allDevices()));
        case csv -> out.print(get("/api/compliance/report.csv" + filters('?')));
        }
        out.flush();
        return 0;
    }

    /** Every page of the fleet list, in the server's order. */
    private List<Map<String, Object>> allDevices() {
        List<Map<String, Object>> devices = new ArrayList<>();
        for (int page = 0;; page++) {
            Map<String, Object> body = json(get("/api/devices?size=" + PAGE_SIZE + "&page=" + page + filters('&')));
            List<Map<String, Object>> items = mapper.convertValue(body.get("items"), new TypeReference<>() {
            });
            if (items == null || items.isEmpty()) {
                return devices;
            }
            devices.addAll(items);
            Object total = body.get("total");
            if (total instanceof Number number && devices.size() >= number.longValue()) {
                return devices;
            }
        }
    }

    private String filters(char first) {
        StringBuilder query = new StringBuilder();
        if (state != null) {
            query.append(query.length() == 0 ? first : '&').append("state=").append(state.name());
        }
        if (text != null && !text.isBlank()) {
            query.append(query.length() == 0 ? first : '&').append("q=")
                    .append(URLEncoder.encode(text, StandardCharsets.UTF_8));
        }
        return query.toString();
    }

    /** GET one resource; any failure is an exception with a one-line reason. */
    private String get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT).GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InventoryException("interrupted while asking " + base);
        } catch (IOException e) {
            throw new InventoryException("cannot reach " + base + ": " + reason(e));
        }
        if (response.statusCode() / 100 != 2) {
            throw new InventoryException(serverError(response));
        }
        return response.body();
    }

    private Map<String, Object> json(String body) {
        try {
            return mapper.readValue(body, JSON_OBJECT);
        } catch (JsonProcessingException e) {
            throw new InventoryException(base + " did not answer JSON: " + e.getOriginalMessage());
        }
    }

    private String serverError(HttpResponse<String> response) {
        String error = null;
        try {
            Object value = mapper.readValue(response.body(), JSON_OBJECT).get("error");
            error = value == null ? null : value.toString();
        } catch (JsonProcessingException | RuntimeException e) {
            // not our server's JSON: answered below
        }
        if (error == null || error.isBlank()) {
            return "HTTP " + response.statusCode() + " from " + response.uri();
        }
        return error.replace('\n', ' ') + " (HTTP " + response.statusCode() + ")";
    }

    private static String reason(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpConnectTimeoutException) {
                return "connection timed out";
            }
            if (cause instanceof ConnectException) {
                return "connection refused";
            }
            if (cause instanceof HttpTimeoutException) {
                return "no answer in " + REQUEST_TIMEOUT.toSeconds() + " s";
            }
        }
        return PortfolioCommand.oneLineReason(e);
    }

    /** The --url as "http://host:port" without a trailing slash. */
    private String baseUrl() {
        try {
            URI uri = new URI(url.strip());
            if (uri.getScheme() == null || !uri.getScheme().matches("(?i)https?") || uri.getHost() == null) {
                throw new URISyntaxException(url, "not http://HOST:PORT");
            }
            String text = uri.toString();
            while (text.endsWith("/")) {
                text = text.substring(0, text.length() - 1);
            }
            return text;
        } catch (URISyntaxException e) {
            throw new ParameterException(spec.commandLine(), "--url must be http://HOST:PORT, got '" + url + "'");
        }
    }

    /** A failure to report in one line. */
    static final class InventoryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InventoryException(String message) {
            super(message);
        }
    }
}
