package io.github.lwm2mportfolio.server.redis;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import org.eclipse.californium.scandium.DtlsClusterConnector.ClusterNodesProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The DTLS node ids of the nodes sharing Redis: each node claims its own (the first byte of the Connection IDs it
 * hands out, 0 to 255) and, when it forwards records to the others, publishes the address it takes them on. The
 * claim lives {@value #CLAIM_TTL_SECONDS} s and is renewed while the node runs, so a dead node's id frees itself.
 * The DTLS connector asks for a node's address on every foreign record: it reads a copy refreshed every
 * {@value #REFRESH_SECONDS} s, never Redis.
 */
public final class DtlsClusterNodes implements ClusterNodesProvider, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DtlsClusterNodes.class);
    static final int CLAIM_TTL_SECONDS = 30;
    static final int REFRESH_SECONDS = 2;
    private static final int NODE_IDS = 256;

    /** Sets the claim unless another node's name holds it; returns the other holder's value, else nil. */
    private static final LuaScript CLAIM = new LuaScript("""
            local held = redis.call('GET', KEYS[1])
            if held and string.match(held, '^[^ ]+') ~= ARGV[1] then return held end
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            return false""", ScriptOutputType.VALUE);
    private static final LuaScript RELEASE = new LuaScript("""
            local held = redis.call('GET', KEYS[1])
            if held and string.match(held, '^[^ ]+') == ARGV[1] then redis.call('DEL', KEYS[1]) end
            return 0""", ScriptOutputType.INTEGER);

    private final RedisCommands<String, String> redis;
    private final RedisKeys keys;
    private final String node;
    private final int nodeId;
    private final ScheduledExecutorService timer;
    private volatile Supplier<InetSocketAddress> ownAddress = () -> null;
    private volatile Map<Integer, InetSocketAddress> addresses = Map.of();

    private DtlsClusterNodes(SharedRedis shared, int nodeId) {
        this.redis = shared.commands();
        this.keys = shared.keys();
        this.node = shared.node();
        this.nodeId = nodeId;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "dtls-cluster-nodes");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Claims the id for this node, or throws {@link IllegalArgumentException} naming the live node that holds it.
     */
    public static DtlsClusterNodes claim(SharedRedis shared, int nodeId) {
        if (nodeId < 0 || nodeId >= NODE_IDS) {
            throw new IllegalArgumentException("a DTLS node id is 0 to 255, not " + nodeId);
        }
        DtlsClusterNodes nodes = new DtlsClusterNodes(shared, nodeId);
        String holder = nodes.claim(null);
        if (holder != null) {
            nodes.timer.shutdownNow();
            throw new IllegalArgumentException("DTLS node id " + nodeId + " is held by the running node '"
                    + holder.split(" ")[0] + "': give each node its own --dtls-node-id (0 to 255)");
        }
        return nodes;
    }

    /** The id derived from a node's name when none is given: the same name, the same id, on every start. */
    public static int idOf(String nodeName) {
        return Math.floorMod(nodeName.hashCode(), NODE_IDS);
    }

    public int nodeId() {
        return nodeId;
    }

    /**
     * Keeps the claim, with the address this node takes forwarded records on when {@code address} gives one (read
     * on each renewal: known once the DTLS endpoint started), and the other nodes' addresses fresh.
     */
    public void start(Supplier<InetSocketAddress> address) {
        this.ownAddress = address;
        renewAndRefresh();
        timer.scheduleWithFixedDelay(this::renewAndRefresh, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public InetSocketAddress getClusterNode(int id) {
        return id == nodeId ? null : addresses.get(id);
    }

    @Override
    public boolean available(InetSocketAddress destination) {
        return addresses.containsValue(destination);
    }

    private void renewAndRefresh() {
        try {
            InetSocketAddress own = ownAddress.get();
            String holder = claim(own);
            if (holder != null) {
                LOG.error("DTLS node id {} was taken by node '{}' while this node did not renew it (Redis "
                        + "unreachable?): records for this node may go to the other", nodeId, holder.split(" ")[0]);
            }
            if (own != null) { // only a forwarding node asks for the others' addresses
                addresses = readAddresses();
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot renew DTLS node id {} or read the other nodes' addresses: {}", nodeId, e.toString());
        }
    }

    private String claim(InetSocketAddress address) {
        String value = address == null ? node
                : node + " " + address.getAddress().getHostAddress() + " " + address.getPort();
        return CLAIM.run(redis, new String[] { keys.dtlsNode(nodeId) }, node, value,
                Long.toString(Duration.ofSeconds(CLAIM_TTL_SECONDS).toMillis()));
    }

    private Map<Integer, InetSocketAddress> readAddresses() {
        List<KeyValue<String, String>> values = redis.mget(
                IntStream.range(0, NODE_IDS).mapToObj(keys::dtlsNode).toArray(String[]::new));
        Map<Integer, InetSocketAddress> read = new HashMap<>();
        for (int id = 0; id < NODE_IDS; id++) {
            KeyValue<String, String> value = values.get(id);
            String[] parts = value.hasValue() ? value.getValue().split(" ") : new String[0];
            if (parts.length == 3) {
                read.put(id, new InetSocketAddress(parts[1], Integer.parseInt(parts[2])));
            }
        }
        return Map.copyOf(read);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            RELEASE.run(redis, new String[] { keys.dtlsNode(nodeId) }, node);
        } catch (RuntimeException e) {
            LOG.warn("could not release DTLS node id {} (it frees itself in {} s): {}", nodeId, CLAIM_TTL_SECONDS,
                    e.toString());
        }
    }
}
