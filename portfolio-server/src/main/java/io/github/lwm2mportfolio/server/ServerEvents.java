package io.github.lwm2mportfolio.server;

import java.time.Instant;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registrations, collections and verdicts as they happen, for server-sent events and the console. A
 * slow or failing subscriber never blocks the collector: subscribers must not block.
 */
public final class ServerEvents {

    private static final Logger LOG = LoggerFactory.getLogger(ServerEvents.class);

    /**
     * @param type e.g. "registered", "deregistered", "collected", "verdict", "identity"
     * @param endpoint the device it is about
     * @param detail a short human text
     */
    public record Event(Instant at, String type, String endpoint, String detail) {
    }

    private final CopyOnWriteArrayList<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();

    public void publish(String type, String endpoint, String detail) {
        Event event = new Event(Instant.now(), type, endpoint, detail);
        for (Consumer<Event> subscriber : subscribers) {
            try {
                subscriber.accept(event);
            } catch (RuntimeException e) {
                LOG.debug("an event subscriber failed: {}", e.getMessage());
            }
        }
    }

    /** Subscribes until the returned handle is closed. */
    public AutoCloseable subscribe(Consumer<Event> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }
}
