package io.github.lwm2mportfolio.server.redis;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.server.collector.CollectionLeases;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * Collection leases in the Redis the nodes share: a key per device holding the collecting node's name and a
 * token of this one lease, set only if absent, with a time to live that the holder renews while it collects.
 * A node that dies stops renewing: its leases expire after the time to live and another node may collect.
 * Renewal and release compare the token first, so a node never extends nor ends a lease that is no longer
 * its own.
 */
public final class RedisCollectionLeases implements CollectionLeases, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisCollectionLeases.class);

    private static final LuaScript RENEW = new LuaScript("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            """, ScriptOutputType.INTEGER);

    /** Past a lease's time to live: room for Redis to expire it. */
    private static final long RETRY_MARGIN_MILLIS = 100;

    private final RedisCommands<String, String> redis;
    private final RedisKeys keys;
    private final String node;
    private final long ttlMillis;
    private final ScheduledExecutorService renewals;

    public RedisCollectionLeases(SharedRedis shared, Duration ttl) {
        if (ttl.toMillis() < 30) {
            throw new IllegalArgumentException("a collection lease lives at least 30 ms");
        }
        this.redis = shared.commands();
        this.keys = shared.keys();
        this.node = shared.node();
        this.ttlMillis = ttl.toMillis();
        this.renewals = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "collection-lease-renewal");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public <E extends Exception> boolean whileHeld(String endpoint, LeasedWork<E> work) throws E {
        String key = keys.collectionLease(endpoint);
        String token = node + " " + UUID.randomUUID();
        if (!"OK".equals(redis.set(key, token, SetArgs.Builder.nx().px(ttlMillis)))) {
            LOG.debug("{}: {} collects it now", endpoint, holder(endpoint));
            return false;
        }
        long every = Math.max(10, ttlMillis / 3);
        AtomicBoolean lost = new AtomicBoolean();
        ScheduledFuture<?> renewal = renewals.scheduleAtFixedRate(() -> {
            if (!lost.get() && !renew(endpoint, key, token)) {
                lost.set(true);
            }
        }, every, every, TimeUnit.MILLISECONDS);
        try {
            work.run();
            return true;
        } finally {
            renewal.cancel(false);
            try {
                LuaScript.DELETE_IF_EQUAL.run(redis, new String[] { key }, token);
            } catch (RuntimeException e) {
                LOG.warn("{}: could not release the collection lease (it expires in {} ms): {}", endpoint, ttlMillis,
                        e.toString());
            }
        }
    }

    @Override
    public String holder(String endpoint) {
        String token = redis.get(keys.collectionLease(endpoint));
        return token == null ? null : token.substring(0, token.indexOf(' '));
    }

    /**
     * When the lease now in the way ends at the latest: its time to live left (a holder that is alive renews it,
     * and may release it sooner), and a moment more; soon when it is gone already.
     */
    @Override
    public Optional<Duration> retryAfter(String endpoint) {
        long left = redis.pttl(keys.collectionLease(endpoint));
        return Optional.of(Duration.ofMillis(Math.max(left, 0) + RETRY_MARGIN_MILLIS));
    }

    /** False once the lease is lost: it expired (a stalled node, an unreachable Redis) and may be another's. */
    private boolean renew(String endpoint, String key, String token) {
        try {
            Long renewed = RENEW.run(redis, new String[] { key }, token, Long.toString(ttlMillis));
            if (renewed == 0) {
                LOG.warn("{}: the collection lease of node {} was lost (it expired): another node may collect "
                        + "the device at the same time", endpoint, node);
                return false;
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: could not renew the collection lease: {}", endpoint, e.toString());
        }
        return true;
    }

    @Override
    public void close() {
        renewals.shutdownNow();
    }
}
