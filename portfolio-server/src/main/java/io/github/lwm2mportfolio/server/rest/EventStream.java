package io.github.lwm2mportfolio.server.rest;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.rest.RestApi.ApiException;
import io.javalin.Javalin;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;

/**
 * {@code /api/events}: the {@link ServerEvents} as server-sent events, each client with a bounded queue of
 * its own so that a slow client drops events rather than holding up the server. Each open stream holds a
 * thread, so at most {@code maxStreams} are open at once; one more is answered 503.
 */
final class EventStream {

    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

    /** Every this long an idle event stream gets a comment, which also finds clients that went away. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final int EVENT_QUEUE_LIMIT = 1000;
    /** Queued to wake a stream when the API stops. */
    private static final Object STOP = new Object();

    private final ServerEvents events;
    private final ObjectMapper mapper;
    private final Set<BlockingQueue<Object>> eventStreams = new CopyOnWriteArraySet<>();
    private final int maxStreams;
    private final Semaphore openStreams;
    private volatile boolean stopping;

    EventStream(ServerEvents events, ObjectMapper mapper, int maxStreams) {
        this.events = events;
        this.mapper = mapper;
        this.maxStreams = maxStreams;
        this.openStreams = new Semaphore(maxStreams);
    }

    void addTo(Javalin javalin) {
        SseHandler sse = new SseHandler(this::streamEvents);
        javalin.get("/api/events", ctx -> {
            // SseHandler does nothing without this header, and the permit would never come back
            if (!"text/event-stream".equals(ctx.header("Accept"))) {
                throw new ApiException(406,
                        "/api/events is a server-sent event stream: send Accept: text/event-stream");
            }
            if (!openStreams.tryAcquire()) {
                throw new ApiException(503, "already " + maxStreams + " event streams open: try again later");
            }
            try {
                sse.handle(ctx); // the stream runs in streamEvents, which gives the permit back
            } catch (Exception | Error e) {
                openStreams.release();
                throw e;
            }
        });
    }

    /** Ends every open stream. */
    void stop() {
        stopping = true;
        for (BlockingQueue<Object> stream : eventStreams) {
            stream.offer(STOP);
        }
    }

    /** How many event streams are open now. */
    int count() {
        return eventStreams.size();
    }

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
            openStreams.release();
        }
    }
}
