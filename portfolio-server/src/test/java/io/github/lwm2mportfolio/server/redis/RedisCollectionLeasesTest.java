package io.github.lwm2mportfolio.server.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.lettuce.core.SetArgs;

class RedisCollectionLeasesTest {

    private TestRedis redis;
    private SharedRedis a;
    private SharedRedis b;
    private final List<RedisCollectionLeases> opened = new ArrayList<>();

    @BeforeEach
    void open() {
        redis = TestRedis.open();
        a = redis.connect("node-a");
        b = redis.connect("node-b");
    }

    @AfterEach
    void close() {
        opened.forEach(RedisCollectionLeases::close);
        if (redis != null) {
            redis.close();
        }
    }

    private RedisCollectionLeases leases(SharedRedis node, Duration ttl) {
        RedisCollectionLeases leases = new RedisCollectionLeases(node, ttl);
        opened.add(leases);
        return leases;
    }

    @Test
    void whileOneNodeCollectsADeviceTheOtherDoesNotAndAfterwardsItMay() throws Exception {
        RedisCollectionLeases onA = leases(a, Duration.ofSeconds(30));
        RedisCollectionLeases onB = leases(b, Duration.ofSeconds(30));
        AtomicBoolean ranOnB = new AtomicBoolean();

        boolean ranOnA = onA.whileHeld("dev-1", () -> {
            assertThat(onB.holder("dev-1")).isEqualTo("node-a");
            assertThat(onB.whileHeld("dev-1", () -> ranOnB.set(true))).isFalse();
            // Another device is not held.
            assertThat(onB.whileHeld("dev-2", () -> { })).isTrue();
        });

        assertThat(ranOnA).isTrue();
        assertThat(ranOnB).isFalse();
        assertThat(onB.holder("dev-1")).isNull();
        assertThat(onB.whileHeld("dev-1", () -> ranOnB.set(true))).isTrue();
        assertThat(ranOnB).isTrue();
        assertThat(redis.keys()).isEmpty();
    }

    /** Registration updates racing on two nodes: never two collections of one device at once. */
    @Test
    void racingNodesNeverCollectOneDeviceTwiceAtOnce() throws Exception {
        List<RedisCollectionLeases> nodes = List.of(leases(a, Duration.ofSeconds(30)),
                leases(b, Duration.ofSeconds(30)));
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> tries = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            RedisCollectionLeases node = nodes.get(t % 2);
            tries.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 50; i++) {
                    node.whileHeld("dev-1", () -> {
                        mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        ran.incrementAndGet();
                        inside.decrementAndGet();
                    });
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> attempt : tries) {
            attempt.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(mostInside).hasValue(1);
        assertThat(ran.get()).isPositive();
        assertThat(redis.keys()).isEmpty();
    }

    @Test
    void theHolderRenewsItsLeasePastTheTimeToLive() throws Exception {
        RedisCollectionLeases onA = leases(a, Duration.ofMillis(300));
        RedisCollectionLeases onB = leases(b, Duration.ofMillis(300));

        onA.whileHeld("dev-1", () -> await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(5))
                .until(() -> !onB.whileHeld("dev-1", () -> { })));

        assertThat(onB.whileHeld("dev-1", () -> { })).isTrue();
    }

    @Test
    void aDeadNodesLeaseExpiresAndAnotherNodeTakesTheDeviceOver() {
        // What a node killed while collecting leaves: its lease, renewed by nobody.
        a.commands().set(a.keys().collectionLease("dev-1"), "node-a 1234", SetArgs.Builder.nx().px(3000));
        RedisCollectionLeases onB = leases(b, Duration.ofSeconds(30));
        AtomicBoolean collected = new AtomicBoolean();

        assertThat(onB.whileHeld("dev-1", () -> collected.set(true))).isFalse();
        assertThat(onB.holder("dev-1")).isEqualTo("node-a");
        await().atMost(Duration.ofSeconds(15)).until(() -> onB.whileHeld("dev-1", () -> collected.set(true)));
        assertThat(collected).isTrue();
    }

    /** A node refused a device by a dead node's lease is told to try again when that lease has expired, not before. */
    @Test
    void aNodeRefusedByALeaseTriesAgainWhenItExpires() {
        a.commands().set(a.keys().collectionLease("dev-1"), "node-a 1234", SetArgs.Builder.nx().px(20_000));
        RedisCollectionLeases onB = leases(b, Duration.ofSeconds(30));

        assertThat(onB.whileHeld("dev-1", () -> { })).isFalse();
        assertThat(onB.retryAfter("dev-1")).hasValueSatisfying(wait -> assertThat(wait)
                .isGreaterThan(Duration.ofSeconds(10)).isLessThanOrEqualTo(Duration.ofMillis(20_100)));
        a.commands().del(a.keys().collectionLease("dev-1"));
        assertThat(onB.retryAfter("dev-1")).hasValueSatisfying(wait -> assertThat(wait)
                .isLessThan(Duration.ofSeconds(1)));
    }

    /** A node that lost its lease (it stalled past the time to live) does not end the new holder's. */
    @Test
    void aLeaseLostToAnotherNodeIsNotReleasedByItsFormerHolder() throws Exception {
        RedisCollectionLeases onA = leases(a, Duration.ofSeconds(30));
        RedisCollectionLeases onB = leases(b, Duration.ofSeconds(30));
        CountDownLatch bHolds = new CountDownLatch(1);
        CountDownLatch bMayEnd = new CountDownLatch(1);
        ExecutorService nodeB = Executors.newSingleThreadExecutor();
        AtomicReference<Future<Boolean>> bCollected = new AtomicReference<>();

        try {
            onA.whileHeld("dev-1", () -> {
                a.commands().del(a.keys().collectionLease("dev-1")); // as if it expired
                bCollected.set(nodeB.submit(() -> onB.whileHeld("dev-1", () -> {
                    bHolds.countDown();
                    bMayEnd.await();
                })));
                bHolds.await();
            });
        } finally {
            nodeB.shutdown();
        }
        assertThat(onA.holder("dev-1")).isEqualTo("node-b");
        bMayEnd.countDown();
        assertThat(bCollected.get().get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(onA.holder("dev-1")).isNull();
    }
}
