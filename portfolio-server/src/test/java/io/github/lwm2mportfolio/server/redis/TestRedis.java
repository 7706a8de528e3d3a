package io.github.lwm2mportfolio.server.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;

/**
 * The Redis of these machines and of CI (127.0.0.1:6379, shared with other tests): each test uses a random key
 * prefix of its own and removes its keys after.
 */
public final class TestRedis implements AutoCloseable {

    public static final String URI = System.getProperty("redis.uri", "redis://127.0.0.1:6379");

    private final String prefix = "test-" + UUID.randomUUID() + ":";
    private final List<SharedRedis> connections = new ArrayList<>();

    /** Skips the test, saying why, when no Redis answers on 127.0.0.1:6379; fails it in CI (CI set). */
    public static TestRedis open() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 6379), 1000);
        } catch (IOException e) {
            String reason = "no Redis on 127.0.0.1:6379 (" + e.getMessage() + ")";
            if (System.getenv("CI") != null) {
                throw new AssertionError(reason + ": CI must test several server nodes on Redis", e);
            }
            assumeTrue(false, reason + ": the Redis tests are skipped");
        }
        return new TestRedis();
    }

    public String prefix() {
        return prefix;
    }

    /** A node's connection under this test's prefix, closed with the TestRedis. */
    public SharedRedis connect(String node) {
        SharedRedis shared = SharedRedis.connect(URI, prefix, node);
        connections.add(shared);
        return shared;
    }

    /** The keys of this test now in Redis. */
    public List<String> keys() {
        try (SharedRedis shared = SharedRedis.connect(URI, prefix, "cleaner")) {
            List<String> keys = new ArrayList<>();
            ScanArgs match = ScanArgs.Builder.matches(prefix + "*").limit(1000);
            KeyScanCursor<String> cursor = shared.commands().scan(match);
            keys.addAll(cursor.getKeys());
            while (!cursor.isFinished()) {
                cursor = shared.commands().scan(ScanCursor.of(cursor.getCursor()), match);
                keys.addAll(cursor.getKeys());
            }
            return keys;
        }
    }

    @Override
    public void close() {
        connections.forEach(SharedRedis::close);
        List<String> keys = keys();
        if (!keys.isEmpty()) {
            try (SharedRedis shared = SharedRedis.connect(URI, prefix, "cleaner")) {
                shared.commands().del(keys.toArray(String[]::new));
            }
        }
    }
}
