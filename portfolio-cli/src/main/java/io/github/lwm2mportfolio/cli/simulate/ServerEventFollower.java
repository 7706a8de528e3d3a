package io.github.lwm2mportfolio.cli.simulate;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Follows a Portfolio server's event stream ({@code GET /api/events}) and counts, for the simulated devices, what
 * the server collected and what it verified. Works on our server only; a foreign server has no such stream.
 */
final class ServerEventFollower implements AutoCloseable {

    private final ObjectMapper mapper = new ObjectMapper();
    private final FleetProgress progress;
    private final Predicate<String> ours;
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile boolean closed;

    private ServerEventFollower(String apiUrl, String token, FleetProgress progress, Predicate<String> ours,
            PrintWriter out) {
        this.progress = progress;
        this.ours = ours;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiUrl.replaceAll("/+$", "") + "/api/events"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + token).GET().build();
        this.response = http.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        response.thenAccept(this::consume).exceptionally(failure -> {
            if (!closed) {
                out.println("not following the server's events: " + failure.getCause());
                out.flush();
            }
            return null;
        });
    }

    /** Starts following; the counts appear in {@code progress} as events arrive. */
    static ServerEventFollower follow(String apiUrl, String token, FleetProgress progress, Predicate<String> ours,
            PrintWriter out) {
        progress.followingServer();
        return new ServerEventFollower(apiUrl, token, progress, ours, out);
    }

    private void consume(HttpResponse<Stream<String>> events) {
        if (events.statusCode() != 200) {
            throw new IllegalStateException("GET /api/events answered HTTP " + events.statusCode());
        }
        try (Stream<String> lines = events.body()) {
            lines.filter(line -> line.startsWith("data:")).forEach(line -> count(line.substring(5).trim()));
        }
    }

    private void count(String json) {
        JsonNode event;
        try {
            event = mapper.readTree(json);
        } catch (Exception e) {
            return; // not one of the server's events
        }
        String endpoint = event.path("endpoint").asText("");
        if (!ours.test(endpoint)) {
            return;
        }
        switch (event.path("type").asText("")) {
        case "collected" -> progress.serverCollected(endpoint);
        case "verdict" -> progress.serverVerdict(endpoint, event.path("detail").asText("").startsWith("VERIFIED"));
        case "collection-failed" -> progress.serverVerdict(endpoint, false);
        default -> {
            // registrations and identity changes: the clients count those themselves
        }
        }
    }

    @Override
    public void close() {
        closed = true;
        response.thenAccept(events -> events.body().close());
        response.cancel(true);
    }
}
