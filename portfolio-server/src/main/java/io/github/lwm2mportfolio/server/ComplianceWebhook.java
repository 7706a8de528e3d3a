package io.github.lwm2mportfolio.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * POSTs each {@code compliance} event as JSON to an operator's URL. Events wait in a bounded queue that one
 * thread of its own empties, so that a slow or dead receiver never holds up collection: when the queue is full
 * the newest event is dropped (and counted in the log). A failed delivery (no connection, 5xx, 429) is tried
 * again after 1, 2, 4... seconds, up to {@link Settings#attempts()} times; any other 4xx is given up at once.
 * The URL is logged as scheme, host and port only: its path, query or user info may hold a secret. User info
 * ({@code http://user:secret@host/hook}) is sent as HTTP Basic authorization, never in the request line.
 */
public final class ComplianceWebhook implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ComplianceWebhook.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** How many events may wait, how often one is tried, and the first pause between tries (doubled each time). */
    public record Settings(int queueCapacity, int attempts, Duration firstBackoff) {
        public static Settings defaults() {
            return new Settings(1000, 6, Duration.ofSeconds(1));
        }
    }

    private final URI uri;
    private final Optional<String> authorization;
    private final String shownUri;
    private final Settings settings;
    private final ObjectMapper mapper;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final BlockingQueue<ServerEvents.Event> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final Thread sender;
    private final AutoCloseable subscription;

    private ComplianceWebhook(URI uri, Settings settings, ObjectMapper mapper, ServerEvents events) {
        this.uri = withoutUserInfo(uri);
        this.authorization = basicAuthorization(uri);
        this.shownUri = shown(uri);
        this.settings = settings;
        this.mapper = mapper;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.sender = new Thread(this::sendAll, "compliance-webhook");
        sender.setDaemon(true);
        sender.start();
        this.subscription = events.subscribeLocal(this::offer); // each node posts its own changes
    }

    /**
     * Starts delivering the compliance events of {@code events} to {@code uri} (http or https).
     *
     * @throws IllegalArgumentException when the URL is not http(s)://HOST...
     */
    public static ComplianceWebhook start(URI uri, Settings settings, ObjectMapper mapper, ServerEvents events) {
        if (uri.getScheme() == null || !uri.getScheme().matches("(?i)https?") || uri.getHost() == null) {
            throw new IllegalArgumentException("the webhook must be an http:// or https:// URL with a host, got "
                    + shown(uri));
        }
        ComplianceWebhook webhook = new ComplianceWebhook(uri, settings, mapper, events);
        LOG.info("compliance changes are POSTed to {} (the rest of the URL is not logged)", webhook.shownUri);
        return webhook;
    }

    /** The URL as it may be logged: scheme, host and port. */
    static String shown(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + "/...";
    }

    /** The {@code Authorization} value for the URL's user info ({@code user:password}, percent-decoded). */
    static Optional<String> basicAuthorization(URI uri) {
        return Optional.ofNullable(uri.getUserInfo()).map(userInfo -> "Basic "
                + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
    }

    private static URI withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri;
        }
        String raw = uri.toString();
        int at = raw.indexOf('@', raw.indexOf("//") + 2);
        return URI.create(raw.substring(0, raw.indexOf("//") + 2) + raw.substring(at + 1));
    }

    /** Events delivered so far (answered 2xx). */
    public long deliveredCount() {
        return delivered.get();
    }

    /** Events dropped because the queue was full or every attempt failed. */
    public long droppedCount() {
        return dropped.get();
    }

    private void offer(ServerEvents.Event event) {
        if (!ServerEvents.COMPLIANCE.equals(event.type())) {
            return;
        }
        if (!queue.offer(event)) {
            long count = dropped.incrementAndGet();
            if (Long.bitCount(count) == 1) { // 1, 2, 4, 8...: a receiver that stays down does not flood the log
                LOG.warn("webhook {} is {} events behind: dropped the change of {} ({} dropped so far)", shownUri,
                        settings.queueCapacity(), event.endpoint(), count);
            }
        }
    }

    private void sendAll() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                deliver(queue.take());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(ServerEvents.Event event) throws InterruptedException {
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            LOG.warn("cannot write the compliance event of {} as JSON: {}", event.endpoint(), e.getOriginalMessage());
            return;
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        authorization.ifPresent(value -> builder.header("Authorization", value));
        HttpRequest request = builder.build();
        long pause = settings.firstBackoff().toMillis();
        for (int attempt = 1;; attempt++) {
            String failure;
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    delivered.incrementAndGet();
                    return;
                }
                failure = "HTTP " + status;
                if (status / 100 == 4 && status != 429) {
                    dropped.incrementAndGet();
                    LOG.warn("webhook {} refused the change of {} ({}): not tried again", shownUri,
                            event.endpoint(), failure);
                    return;
                }
            } catch (IOException e) {
                failure = e.getClass().getSimpleName();
            }
            if (attempt >= settings.attempts()) {
                dropped.incrementAndGet();
                LOG.warn("webhook {}: gave up the change of {} after {} attempts ({})", shownUri, event.endpoint(),
                        attempt, failure);
                return;
            }
            LOG.info("webhook {}: {} for the change of {}; try {} in {} ms", shownUri, failure, event.endpoint(),
                    attempt + 1, pause);
            Thread.sleep(pause);
            pause *= 2;
        }
    }

    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            // a subscription handle only removes a listener
        }
        sender.interrupt();
    }
}
