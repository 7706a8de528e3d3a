package io.github.lwm2mportfolio.server.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.server.inventory.CollectionRecord;
import io.github.lwm2mportfolio.server.inventory.DeviceDetail;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.github.lwm2mportfolio.server.inventory.PortfolioSnapshot;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/** Group commit of collections, on H2 and on PostgreSQL (a schema of this test's own, dropped after it). */
class CollectionWriterTest {

    private static final String POSTGRES = System.getProperty("portfolio.test.postgres",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

    @TempDir
    Path dir;

    private JdbcInventory inventory;
    private CollectionWriter writer;
    private String schema;

    @AfterEach
    void close() throws SQLException {
        if (writer != null) {
            writer.close();
        }
        if (inventory != null) {
            inventory.close();
        }
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "h2", "postgresql" })
    void collections_that_end_together_are_committed_together_and_all_stored(String database) throws Exception {
        open(database, 8, 100);
        List<CompletableFuture<Boolean>> accepted = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // all waiting before the writer starts: batches of 8, 8 and 4
            accepted.add(writer.submit(record("meter-" + i, 5)));
        }
        writer.start();
        for (CompletableFuture<Boolean> each : accepted) {
            assertThat(each.get(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(writer.transactions()).isEqualTo(3);
        for (int i = 0; i < 20; i++) {
            assertStored("meter-" + i, 5);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "h2", "postgresql" })
    void concurrent_collections_are_all_stored(String database) throws Exception {
        open(database, 64, 256);
        writer.start();
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String endpoint = "meter-" + i;
                results.add(pool.submit(() -> {
                    go.await();
                    return CollectionWriter.await(writer.submit(record(endpoint, 3)));
                }));
            }
            go.countDown();
            for (Future<Boolean> result : results) {
                assertThat(result.get(120, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < 200; i++) {
            assertStored("meter-" + i, 3);
        }
        assertThat(writer.transactions()).isBetween(1L, 200L);
    }

    @ParameterizedTest
    @ValueSource(strings = { "h2", "postgresql" })
    void a_record_that_cannot_be_written_loses_none_of_the_others(String database) throws Exception {
        open(database, 8, 100);
        assertThat(inventory.collectionRecorded(record("replayed", 9))).isTrue(); // its counter is now 9
        List<CompletableFuture<Boolean>> accepted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            accepted.add(writer.submit(record("meter-" + i, 2)));
        }
        CompletableFuture<Boolean> bad = writer.submit(record(" ", 2)); // no endpoint: refused by the inventory
        CompletableFuture<Boolean> replayed = writer.submit(record("replayed", 9));
        for (int i = 3; i < 6; i++) {
            accepted.add(writer.submit(record("meter-" + i, 2)));
        }
        writer.start();

        assertThatThrownBy(() -> bad.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalArgumentException.class);
        assertThat(replayed.get(60, TimeUnit.SECONDS)).as("a replayed counter is refused, not an error").isFalse();
        for (CompletableFuture<Boolean> each : accepted) {
            assertThat(each.get(60, TimeUnit.SECONDS)).isTrue();
        }
        for (int i = 0; i < 6; i++) {
            assertStored("meter-" + i, 2);
        }
        assertThat(writer.transactions()).as("the batch of 8 rolled back, then 7 written alone").isEqualTo(7);
    }

    private void open(String database, int maxBatch, int capacity) throws SQLException {
        String url;
        if (database.equals("h2")) {
            url = JdbcInventory.h2Url(dir);
        } else {
            schema = "s7_collection_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            } catch (SQLException e) {
                schema = null;
                if (System.getenv("CI") != null) {
                    throw e;
                }
                Assumptions.abort("PostgreSQL at " + POSTGRES + " cannot be reached: " + e.getMessage());
            }
            url = POSTGRES + "&currentSchema=" + schema;
        }
        inventory = JdbcInventory.open(url);
        writer = new CollectionWriter(inventory, maxBatch, capacity);
    }

    private static CollectionRecord record(String endpoint, long counter) {
        TreeMap<Integer, String> identities = new TreeMap<>();
        identities.put(0, "Acme");
        identities.put(1, "Meter");
        identities.put(2, "SN-" + endpoint);
        identities.put(3, "4.2.1");
        Instant at = T0.plusMillis(counter);
        return new CollectionRecord(endpoint, at, new CollectionRecord.Registered("1.1", true, true),
                List.of(new PortfolioSnapshot(0, identities, true)), true, "links",
                new Verification(at, VerificationOutcome.VERIFIED, "signature verified", "sign", 0, counter, "{}"),
                null);
    }

    private void assertStored(String endpoint, long counter) {
        DeviceDetail stored = inventory.device(endpoint).orElseThrow();
        assertThat(stored.summary().lwm2mVersion()).isEqualTo("1.1");
        assertThat(stored.summary().lastVerification().outcome()).isEqualTo(VerificationOutcome.VERIFIED);
        assertThat(stored.portfolios()).singleElement()
                .satisfies(p -> assertThat(p.identities()).containsEntry(2, "SN-" + endpoint));
        assertThat(inventory.lastAcceptedCounter(endpoint)).isEqualTo(counter);
    }
}
