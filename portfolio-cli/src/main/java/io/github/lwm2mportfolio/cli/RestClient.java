package io.github.lwm2mportfolio.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The commands' way to a running server's REST API: every failure becomes a one-line reason. */
public final class RestClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT).build();
    private final String base;
    private final String token;

    /**
     * @param url the --url option; a bad one is bad usage (exit 2)
     * @param token the API token sent with every request
     */
    public RestClient(CommandSpec spec, String url, String token) {
        this.base = baseUrl(spec, url);
        this.token = token;
    }

    String get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Map<String, Object> postJson(String path, Map<String, Object> body) {
        try {
            return json(send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type",
                    "application/json").POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))));
        } catch (JsonProcessingException e) {
            throw new RestException("cannot write the request: " + e.getOriginalMessage());
        }
    }

    Map<String, Object> getJson(String path) {
        return json(get(path));
    }

    List<Map<String, Object>> getJsonList(String path) {
        try {
            return mapper.readValue(get(path), new TypeReference<List<Map<String, Object>>>() {
            });
        } catch (JsonProcessingException e) {
            throw new RestException(base + " did not answer a JSON list: " + e.getOriginalMessage());
        }
    }

    public String putJson(String path, Map<String, Object> body) {
        try {
            return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body))));
        } catch (JsonProcessingException e) {
            throw new RestException("cannot write the request: " + e.getOriginalMessage());
        }
    }

    String delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    /** A GET that asks for this media type (e.g. text/csv). */
    String get(String path, String accept) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept).GET());
    }

    /** Sends a body of this media type (e.g. a CSV file as text/csv) and reads the JSON answer. */
    Map<String, Object> send(String method, String path, String contentType, String body) {
        return json(send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))));
    }

    /** Sends a JSON body and reads the JSON answer. */
    Map<String, Object> sendJson(String method, String path, Map<String, Object> body) {
        try {
            return send(method, path, "application/json", mapper.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new RestException("cannot write the request: " + e.getOriginalMessage());
        }
    }

    /** One segment of a path: an endpoint name as it is, whatever characters it has. */
    static String pathSegment(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    Map<String, Object> json(String body) {
        try {
            return mapper.readValue(body, JSON_OBJECT);
        } catch (JsonProcessingException e) {
            throw new RestException(base + " did not answer JSON: " + e.getOriginalMessage());
        }
    }

    ObjectMapper mapper() {
        return mapper;
    }

    private String send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(request.header("Authorization", "Bearer " + token).timeout(REQUEST_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestException("interrupted while asking " + base);
        } catch (IOException e) {
            throw new RestException("cannot reach " + base + ": " + reason(e));
        }
        if (response.statusCode() / 100 != 2) {
            throw new RestException(serverError(response));
        }
        return response.body();
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

    private String reason(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpConnectTimeoutException) {
                return "connection timed out";
            }
            if (cause instanceof ConnectException) {
                return resolves(URI.create(base).getHost()) ? "connection refused"
                        : "host " + URI.create(base).getHost() + " not found (check the name in --url)";
            }
            if (cause instanceof HttpTimeoutException) {
                return "no answer in " + REQUEST_TIMEOUT.toSeconds() + " s";
            }
        }
        return PortfolioCommand.oneLineReason(e);
    }

    /** Java's HTTP client reports a host name that does not resolve as a refused connection: tell them apart. */
    private static boolean resolves(String host) {
        try {
            InetAddress.getByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The URL as "http://host:port" without a trailing slash. */
    private static String baseUrl(CommandSpec spec, String url) {
        try {
            URI uri = new URI(url.strip());
            if (uri.getScheme() == null || !uri.getScheme().matches("(?i)https?") || uri.getHost() == null) {
                throw new URISyntaxException(url, "not http://HOST:PORT");
            }
            String text = uri.toString();
            while (text.endsWith("/")) {
                text = text.substring(0, text.length() - 1);
            }
            // The server prints its API as http://HOST:PORT/api: accept that as well.
            return text.endsWith("/api") ? text.substring(0, text.length() - "/api".length()) : text;
        } catch (URISyntaxException e) {
            throw new ParameterException(spec.commandLine(), "--url must be http://HOST:PORT, got '" + url + "'");
        }
    }

    /** A failure to report in one line. */
    static final class RestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RestException(String message) {
            super(message);
        }
    }
}
