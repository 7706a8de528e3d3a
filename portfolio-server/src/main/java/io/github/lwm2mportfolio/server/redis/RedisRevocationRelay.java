package io.github.lwm2mportfolio.server.redis;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.server.Revocations;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * A revocation list changed through one node is in force on every node's DTLS and AuthData checks, without a
 * restart: the changing node says so on a Redis channel, and the others read the list again from the shared
 * database, which holds it. Pub/sub costs nothing per handshake (a version key would be a Redis round trip on
 * each); the message it may lose while a node is disconnected is made good when Lettuce subscribes again after
 * the reconnection: every (re)subscription reads the list again. A node that starts tells the others too: its
 * {@code --revoked} file may have added to the stored list.
 */
public final class RedisRevocationRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisRevocationRelay.class);
    /** Follows the node's name (which holds no space) in the message of a node that starts. */
    private static final String STARTED = " started";

    private final StatefulRedisPubSubConnection<String, String> subscription;
    private final ExecutorService reloads;
    private volatile boolean closed;

    private RedisRevocationRelay(StatefulRedisPubSubConnection<String, String> subscription, ExecutorService reloads) {
        this.subscription = subscription;
        this.reloads = reloads;
    }

    /**
     * Starts relaying.
     *
     * @param stored reads the list from the shared database
     * @param inForce puts a list in force on this node
     * @param onChange where this node's own changes are told (the inventory's revocation listeners)
     */
    public static RedisRevocationRelay start(SharedRedis redis, Supplier<Revocations> stored,
            Consumer<Revocations> inForce, Consumer<Consumer<Revocations>> onChange) {
        String channel = redis.keys().revocationChannel();
        // The database is read off Lettuce's event loop, which must never block.
        ExecutorService reloads = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "revocation-reload");
            thread.setDaemon(true);
            return thread;
        });
        StatefulRedisPubSubConnection<String, String> subscription = redis.pubSub();
        RedisRevocationRelay relay = new RedisRevocationRelay(subscription, reloads);
        Consumer<String> reload = why -> {
            try {
                Revocations revocations = stored.get();
                inForce.accept(revocations);
                LOG.info("revocations: {} entries in force, read again from the shared database ({})",
                        revocations.size(), why);
            } catch (RuntimeException e) {
                LOG.warn("revocations: could not read the list another node changed (the previous one stays in "
                        + "force until the next change): {}", e.toString());
            }
        };
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String message) {
                if (!message.split(" ", 2)[0].equals(redis.node()) && !relay.closed) {
                    reloads.execute(() -> reload.accept(why(message)));
                }
            }

            @Override
            public void subscribed(String from, long count) {
                if (!relay.closed) { // a change made while this node was not listening
                    reloads.execute(() -> reload.accept("listening to the other nodes' changes from now on"));
                }
            }
        });
        subscription.sync().subscribe(channel);
        onChange.accept(revocations -> {
            if (!relay.closed) {
                redis.async().publish(channel, redis.node());
            }
        });
        // A start may have added its --revoked file to the stored list before this relay ran: the others read it.
        redis.async().publish(channel, redis.node() + STARTED);
        return relay;
    }

    /** Why a message makes this node read the list again, for the log: a node that changed it, or one that started. */
    static String why(String message) {
        return message.endsWith(STARTED)
                ? "node " + message.substring(0, message.length() - STARTED.length()) + " started"
                : "node " + message + " changed it";
    }

    @Override
    public void close() {
        closed = true;
        try {
            subscription.close();
        } finally {
            reloads.shutdownNow();
        }
    }
}
