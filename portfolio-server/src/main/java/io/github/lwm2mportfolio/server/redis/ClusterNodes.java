package io.github.lwm2mportfolio.server.redis;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The nodes of a deployment that are alive now. Each node announces itself in Redis (its name and the base URI
 * of its REST API, null when it serves none) under a key with a time to live that it renews at a third of it.
 * A node that stops says so by deleting its key; a node that is killed stops renewing and is gone from the
 * list after the time to live.
 */
public final class ClusterNodes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNodes.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a node announces. */
    public record Node(String name, URI restUri, long startedAt) {
    }

    private final RedisCommands<String, String> redis;
    private final RedisKeys keys;
    private final String name;
    private final long ttlMillis;
    private final ScheduledExecutorService renewals;
    private volatile String announcement;

    public ClusterNodes(SharedRedis shared, Duration ttl) {
        if (ttl.toMillis() < 30) {
            throw new IllegalArgumentException("a node's announcement lives at least 30 ms");
        }
        this.redis = shared.commands();
        this.keys = shared.keys();
        this.name = shared.node();
        this.ttlMillis = ttl.toMillis();
        this.renewals = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "cluster-node-announcement");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Announces this node, now and then again every third of the time to live, until {@link #close}. A node name
     * that another live node announces already is refused: two nodes of one name would take each other's leases.
     */
    public void announce(URI restUri) {
        try {
            announcement = JSON.writeValueAsString(new Node(name, restUri, System.currentTimeMillis()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (!"OK".equals(redis.set(keys.node(name), announcement, SetArgs.Builder.nx().px(ttlMillis)))) {
            throw nameTaken(name, ttlMillis);
        }
        long every = Math.max(10, ttlMillis / 3);
        renewals.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Refuses a node name that a live node announces, before a node that starts touches anything shared: a twin
     * would otherwise claim its DTLS node id, apply its --certified file and serve devices for a moment, then
     * release that id as its own when {@link #announce} refuses it. {@link #announce} still settles two starts at
     * once.
     */
    public static void requireFreeName(SharedRedis shared, Duration ttl) {
        if (shared.commands().exists(shared.keys().node(shared.node())) > 0) {
            throw nameTaken(shared.node(), ttl.toMillis());
        }
    }

    private static IllegalStateException nameTaken(String name, long ttlMillis) {
        return new IllegalStateException("another live node is named '" + name + "' (its announcement in Redis is "
                + "withdrawn when it stops, or expires " + ttlMillis / 1000 + " s after it died): give each node a "
                + "name of its own with --node");
    }

    private void renew() {
        try {
            redis.set(keys.node(name), announcement, SetArgs.Builder.px(ttlMillis));
        } catch (RuntimeException e) {
            LOG.warn("could not renew node {}'s announcement in Redis (it expires in {} ms): {}", name, ttlMillis,
                    e.toString());
        }
    }

    /** This node's name. */
    public String name() {
        return name;
    }

    /** The node of this name, if it is alive. */
    public Optional<Node> alive(String nodeName) {
        String text = redis.get(keys.node(nodeName));
        return text == null ? Optional.empty() : Optional.ofNullable(read(text));
    }

    /** Every live node, by name. */
    public List<Node> alive() {
        List<Node> nodes = new ArrayList<>();
        ScanArgs match = ScanArgs.Builder.matches(keys.nodePattern()).limit(100);
        KeyScanCursor<String> cursor = redis.scan(match);
        while (true) {
            if (!cursor.getKeys().isEmpty()) {
                redis.mget(cursor.getKeys().toArray(String[]::new))
                        .forEach(value -> value.ifHasValue(text -> Optional.ofNullable(read(text)).ifPresent(nodes::add)));
            }
            if (cursor.isFinished()) {
                break;
            }
            cursor = redis.scan(ScanCursor.of(cursor.getCursor()), match);
        }
        nodes.sort(Comparator.comparing(Node::name));
        return nodes;
    }

    private static Node read(String text) {
        try {
            return JSON.readValue(text, Node.class);
        } catch (JsonProcessingException e) {
            LOG.warn("a node announcement in Redis that cannot be read: {}", e.getMessage());
            return null;
        }
    }

    /** Stops renewing and withdraws the announcement, when it is still this node's own. */
    @Override
    public void close() {
        renewals.shutdownNow();
        String mine = announcement;
        if (mine != null) {
            try {
                LuaScript.DELETE_IF_EQUAL.run(redis, new String[] { keys.node(name) }, mine);
            } catch (RuntimeException e) {
                LOG.debug("withdrawing node {}'s announcement: {}", name, e.toString());
            }
        }
    }
}
