package io.github.lwm2mportfolio.server.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;

/**
 * Strangers (never established) that are gone are purged; established, credentialed and online devices are kept,
 * and the per-state counts follow (issue 11). On H2 and on PostgreSQL.
 */
class StrangerPurgeTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(strings = { "h2", "postgresql" })
    void gone_strangers_are_purged_and_everything_else_is_kept(String database) throws Exception {
        String schema = database.equals("postgresql") ? PostgresJdbcInventoryTest.createSchema() : null;
        String url = schema != null ? PostgresJdbcInventoryTest.withSchema(schema)
                : JdbcInventory.h2Url(Files.createTempDirectory(directory, "inventory"));
        try (JdbcInventory inventory = JdbcInventory.open(url, Clock.fixed(T0.plusSeconds(7200), ZoneOffset.UTC),
                Duration.ofHours(24), SecretSealer.of(new byte[32]))) {
            // 1,100 fakes, more than one batch: a failed collection, or collected without object 16; all gone.
            for (int i = 0; i < 1100; i++) {
                String fake = "fake-" + i;
                inventory.registered(fake, "1.1", i % 2 == 0, T0);
                if (i % 2 == 0) {
                    inventory.collectionFailed(fake, "Read /3/0/22: no answer within 2000 ms", T0);
                } else {
                    inventory.portfoliosCollected(fake, List.of(), false, T0);
                }
                inventory.deregistered(fake, T0.plusSeconds(1));
            }
            // Kept: an established device gone as long; a credentialed stranger; an online stranger; a stranger
            // seen after the cutoff.
            inventory.registered("established", "1.1", true, T0);
            inventory.portfoliosCollected("established", List.of(new PortfolioSnapshot(0,
                    new TreeMap<>(Map.of(0, "HD-1")), true)), true, T0);
            inventory.deregistered("established", T0.plusSeconds(1));
            inventory.registered("credentialed", "1.1", true, T0);
            inventory.putCredential(new DeviceCredential("credentialed", DeviceCredential.Kind.PSK, "id-c",
                    new byte[16]));
            inventory.deregistered("credentialed", T0.plusSeconds(1));
            inventory.registered("online-stranger", "1.1", true, T0);
            inventory.registered("recent-stranger", "1.1", true, T0.plusSeconds(3000));
            inventory.deregistered("recent-stranger", T0.plusSeconds(3001));

            assertThat(inventory.established("established")).isTrue();
            assertThat(inventory.established("credentialed")).isTrue();
            assertThat(inventory.established("fake-1")).isFalse();
            assertThat(inventory.established("fake-0")).isFalse();
            assertThat(total(inventory)).isEqualTo(1104);

            assertThat(inventory.purgeStrangers(T0.plusSeconds(1800))).isEqualTo(1100);

            assertThat(inventory.device("fake-0")).isEmpty();
            assertThat(inventory.device("fake-1099")).isEmpty();
            assertThat(inventory.device("established")).isPresent();
            assertThat(inventory.device("credentialed")).isPresent();
            assertThat(inventory.device("online-stranger")).isPresent();
            assertThat(inventory.device("recent-stranger")).isPresent();
            assertThat(total(inventory)).isEqualTo(4);
            assertThat(inventory.complianceCounts().get(ComplianceState.NO_PORTFOLIO))
                    .isEqualTo(countByScan(inventory, ComplianceState.NO_PORTFOLIO));
            assertThat(inventory.purgeStrangers(T0.plusSeconds(1800))).isZero();
        } finally {
            if (schema != null) {
                PostgresJdbcInventoryTest.dropSchema(schema);
            }
        }
    }

    private static long total(Inventory inventory) {
        return inventory.complianceCounts().values().stream().mapToLong(Long::longValue).sum();
    }

    private static long countByScan(JdbcInventory inventory, ComplianceState state) {
        long[] n = { 0 };
        inventory.forEachDevice(d -> {
            if (d.state() == state) {
                n[0]++;
            }
        });
        return n[0];
    }
}
