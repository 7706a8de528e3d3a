package io.github.lwm2mportfolio.server.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.ServerEvents.Event;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * Every node's events on every node: each node publishes the events it makes on a Redis channel and relays
 * those of the other nodes into its own {@link ServerEvents}, so /api/events and the console of any node show
 * the whole deployment. Delivery is Redis pub/sub's: at most once, none while a node is disconnected.
 */
public final class RedisEventRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEventRelay.class);

    /** What goes on the channel: the node that made the event, and the event. */
    record Message(String node, Event event) {
    }

    private final StatefulRedisPubSubConnection<String, String> subscription;
    private final AutoCloseable localEvents;

    private RedisEventRelay(StatefulRedisPubSubConnection<String, String> subscription, AutoCloseable localEvents) {
        this.subscription = subscription;
        this.localEvents = localEvents;
    }

    public static RedisEventRelay start(SharedRedis redis, ServerEvents events, ObjectMapper json) {
        String channel = redis.keys().eventChannel();
        StatefulRedisPubSubConnection<String, String> subscription = redis.pubSub();
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String text) {
                try {
                    Message message = json.readValue(text, Message.class);
                    if (!message.node().equals(redis.node())) {
                        events.relay(message.event());
                    }
                } catch (JsonProcessingException | RuntimeException e) {
                    LOG.warn("an event on {} that cannot be read: {}", channel, e.getMessage());
                }
            }
        });
        subscription.sync().subscribe(channel);
        AutoCloseable localEvents = events.subscribeLocal(event -> {
            try {
                // Asynchronous: an event never waits for Redis.
                redis.async().publish(channel, json.writeValueAsString(new Message(redis.node(), event)));
            } catch (JsonProcessingException e) {
                LOG.warn("an event that cannot be written as JSON: {}", e.getMessage());
            }
        });
        return new RedisEventRelay(subscription, localEvents);
    }

    @Override
    public void close() {
        try {
            localEvents.close();
        } catch (Exception e) {
            LOG.debug("unsubscribing from the local events: {}", e.toString());
        } finally {
            subscription.close();
        }
    }
}
