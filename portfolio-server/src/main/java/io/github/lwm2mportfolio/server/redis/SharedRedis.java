package io.github.lwm2mportfolio.server.redis;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * One node's connection to the Redis that the nodes of a deployment share. Lettuce's connection is
 * thread-safe: every store of the node sends its commands through it (no WATCH, which would need one
 * connection per transaction: atomic changes are Lua scripts).
 */
public final class SharedRedis implements AutoCloseable {

    private static final long PING_MILLIS = 1000;

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisKeys keys;
    private final String node;

    private SharedRedis(RedisClient client, StatefulRedisConnection<String, String> connection, RedisKeys keys,
            String node) {
        this.client = client;
        this.connection = connection;
        this.keys = keys;
        this.node = node;
    }

    /**
     * Connects, or throws {@link IllegalArgumentException} for a bad URI and {@link IllegalStateException}
     * when Redis does not answer; the URI's password (redis://:secret@host) is never in a message.
     */
    public static SharedRedis connect(String uri, String prefix, String node) {
        if (node == null || node.isBlank() || !node.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("a node name is 1 to 64 letters, digits, '.', '_' or '-'");
        }
        RedisKeys keys = new RedisKeys(prefix);
        RedisURI redisUri;
        try {
            redisUri = RedisURI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a Redis URI (redis://host:port): " + RedisUris.withoutSecret(uri));
        }
        redisUri.setTimeout(Duration.ofSeconds(5));
        RedisClient client = RedisClient.create(redisUri);
        try {
            StatefulRedisConnection<String, String> connection = client.connect();
            connection.sync().ping();
            return new SharedRedis(client, connection, keys, node);
        } catch (RedisConnectionException e) {
            client.shutdown();
            throw new IllegalStateException("cannot reach Redis at " + RedisUris.withoutSecret(uri) + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    public RedisCommands<String, String> commands() {
        return connection.sync();
    }

    /** The same connection's commands that do not wait for the answer. */
    public RedisAsyncCommands<String, String> async() {
        return connection.async();
    }

    /** A connection of its own for SUBSCRIBE, which takes a connection over. */
    public StatefulRedisPubSubConnection<String, String> pubSub() {
        return client.connectPubSub();
    }

    /**
     * Why commands would fail now as far as the connection knows, without a round trip (a registration request asks
     * this each time): empty while connected.
     */
    public Optional<String> disconnected() {
        return connection.isOpen() ? Optional.empty() : Optional.of("not connected to Redis (reconnecting)");
    }

    /**
     * Why this node cannot use Redis now, or empty when a PING is answered within {@value #PING_MILLIS} ms: for
     * /health/ready, so that a load balancer sends no devices to a node that can register none.
     */
    public Optional<String> problem() {
        Optional<String> disconnected = disconnected();
        if (disconnected.isPresent()) {
            return disconnected;
        }
        try {
            connection.async().ping().get(PING_MILLIS, TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (TimeoutException e) {
            return Optional.of("Redis did not answer within " + PING_MILLIS + " ms");
        } catch (ExecutionException e) {
            return Optional.of("Redis: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while asking Redis");
        }
    }

    public RedisKeys keys() {
        return keys;
    }

    /** This node's name, as given with --node. */
    public String node() {
        return node;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
