package io.github.lwm2mportfolio.server;

import java.time.Instant;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.ComplianceChange;

/**
 * Registrations, collections, verdicts and compliance changes as they happen, for server-sent events, the
 * console and the webhook. A slow or failing subscriber never blocks the collector: subscribers must not block.
 */
public final class ServerEvents {

    private static final Logger LOG = LoggerFactory.getLogger(ServerEvents.class);

    /** The type of the event of a changed compliance state. */
    public static final String COMPLIANCE = "compliance";

    /**
     * @param type e.g. "registered", "deregistered", "collected", "verdict", "identity", {@value #COMPLIANCE}
     * @param endpoint the device it is about
     * @param detail a short human text
     * @param oldState for {@value #COMPLIANCE} only: the state before
     * @param newState for {@value #COMPLIANCE} only: the state now
     * @param reason for {@value #COMPLIANCE} only: why the device is in its new state
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Event(Instant at, String type, String endpoint, String detail, ComplianceState oldState,
            ComplianceState newState, String reason) {

        public Event(Instant at, String type, String endpoint, String detail) {
            this(at, type, endpoint, detail, null, null, null);
        }
    }

    private final CopyOnWriteArrayList<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<Event>> localSubscribers = new CopyOnWriteArrayList<>();

    public void publish(String type, String endpoint, String detail) {
        publish(new Event(Instant.now(), type, endpoint, detail));
    }

    /** A device's compliance state changed. */
    public void publish(ComplianceChange change) {
        publish(new Event(change.at(), COMPLIANCE, change.endpoint(), change.oldState() + " -> "
                + change.newState(), change.oldState(), change.newState(), change.reason()));
    }

    private void publish(Event event) {
        deliver(localSubscribers, event);
        deliver(subscribers, event);
    }

    /** An event of another server node: to the subscribers of every node's events, not to the local ones. */
    public void relay(Event event) {
        deliver(subscribers, event);
    }

    private static void deliver(CopyOnWriteArrayList<Consumer<Event>> to, Event event) {
        for (Consumer<Event> subscriber : to) {
            try {
                subscriber.accept(event);
            } catch (RuntimeException e) {
                LOG.debug("an event subscriber failed: {}", e.getMessage());
            }
        }
    }

    /** Subscribes, until the returned handle is closed, to the events of every node (one when alone). */
    public AutoCloseable subscribe(Consumer<Event> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    /**
     * Subscribes to the events made on this node only: for what one node must do once per event, e.g. the
     * webhook, which every node has.
     */
    public AutoCloseable subscribeLocal(Consumer<Event> subscriber) {
        localSubscribers.add(subscriber);
        return () -> localSubscribers.remove(subscriber);
    }
}
