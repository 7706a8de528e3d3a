package io.github.lwm2mportfolio.server.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL statements the inventory runs for one collection, as the collector asks for them (is it established,
 * its last accepted counter, then the whole collection in one transaction); a JDBC batch counts as one. The
 * bounds are what the writes need: a statement more is a regression to look at.
 */
class CollectionStatementsTest {

    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

    @TempDir
    Path dir;

    private JdbcInventory inventory;
    private final List<String> statements = new ArrayList<>();

    @BeforeEach
    void open() {
        inventory = JdbcInventory.open(JdbcInventory.h2Url(dir));
        inventory.logStatementsTo(new SqlLogger() {
            @Override
            public void logBeforeExecution(StatementContext context) {
                statements.add(context.getRenderedSql());
            }
        });
    }

    @AfterEach
    void close() {
        inventory.close();
    }

    @Test
    void a_first_collection_and_a_later_one_with_the_same_values() {
        List<String> first = collect("meter-1", T0, 7);
        assertThat(first).as(String.join("\n", first)).hasSizeLessThanOrEqualTo(FIRST_COLLECTION);

        List<String> again = collect("meter-1", T0.plusSeconds(60), 8);
        assertThat(again).as(String.join("\n", again)).hasSizeLessThanOrEqualTo(LATER_COLLECTION);

        DeviceDetail stored = inventory.device("meter-1").orElseThrow();
        assertThat(stored.summary().lwm2mVersion()).isEqualTo("1.1");
        assertThat(stored.summary().lastVerification().counter()).isEqualTo(8L);
        assertThat(stored.portfolios()).singleElement().satisfies(p -> assertThat(p.identities()).hasSize(4));
        assertThat(stored.verifications()).hasSize(2);
        assertThat(inventory.lastAcceptedCounter("meter-1")).isEqualTo(8L);
    }

    /**
     * Measured: 12 and 10. Before (issue 12), 19 and 15: a new row read back after its insert, identities read,
     * deleted and written again when unchanged, collected_at by its own update, the verdicts of a new row trimmed,
     * the claims of a host never verified looked for.
     */
    private static final int FIRST_COLLECTION = 12;
    private static final int LATER_COLLECTION = 10;

    private List<String> collect(String endpoint, Instant at, long counter) {
        statements.clear();
        inventory.established(endpoint);
        long last = inventory.lastAcceptedCounter(endpoint);
        assertThat(last).isLessThan(counter);
        TreeMap<Integer, String> identities = new TreeMap<>();
        identities.put(0, "Acme");
        identities.put(1, "Meter");
        identities.put(2, "SN-1");
        identities.put(3, "4.2.1");
        Verification verdict = new Verification(at, VerificationOutcome.VERIFIED, "signature verified", "sign", 0,
                counter, "{}");
        boolean accepted = inventory.collectionRecorded(new CollectionRecord(endpoint, at,
                new CollectionRecord.Registered("1.1", true, true), List.of(new PortfolioSnapshot(0, identities,
                        true)), true, "links", verdict, null));
        assertThat(accepted).isTrue();
        List<String> made = List.copyOf(statements);
        return made;
    }
}
