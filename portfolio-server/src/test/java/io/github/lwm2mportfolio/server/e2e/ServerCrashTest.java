package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.testing.WriterProcesses;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;

/**
 * The server killed (SIGKILL) while it collects on its H2 file, again and again on the same data: after each kill
 * the database opens, every collection and verdict the server acknowledged is there, no device is there twice or
 * missing, no accepted AuthData counter is stored twice, and the per-state counts match the rows (issue 11).
 * {@value #DEFAULT_KILLS} kills per build; {@code -Dcrash.kills=N} for more.
 */
class ServerCrashTest {

    private static final int DEFAULT_KILLS = 5;
    private static final int CLIENTS = 6;

    @TempDir
    Path dir;

    @Test
    void a_server_killed_while_it_collects_loses_and_duplicates_no_row() throws Exception {
        int kills = Integer.getInteger("crash.kills", DEFAULT_KILLS);
        Random random = new Random(11);
        Set<String> collected = new HashSet<>();
        Set<String> verified = new HashSet<>();
        for (int kill = 1; kill <= kills; kill++) {
            Process child = start(kill);
            try {
                BlockingQueue<String> lines = WriterProcesses.readLinesInBackground(child, "server-output-" + kill);
                Set<String> verifiedThisRun = new HashSet<>();
                int extraCollections = random.nextInt(4 * CLIENTS);
                // Kill it at a random moment once every client was verified in this run: some collections later.
                while (verifiedThisRun.size() < CLIENTS || extraCollections > 0) {
                    String line = lines.poll(120, TimeUnit.SECONDS);
                    assertThat(line).as("run %d: the server went quiet or ended (see its stderr)", kill).isNotNull()
                            .isNotEqualTo(WriterProcesses.END);
                    boolean collection = acknowledge(line, collected, verified);
                    if (line.startsWith("verified ")) {
                        verifiedThisRun.add(line);
                    } else if (collection && verifiedThisRun.size() == CLIENTS) {
                        extraCollections--;
                    }
                }
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                for (String line = lines.take(); !line.equals(WriterProcesses.END); line = lines.take()) {
                    acknowledge(line, collected, verified);
                }
            } finally {
                child.destroyForcibly();
            }
            checkInventory(kill, collected, verified);
        }
        assertThat(collected).hasSize(CLIENTS);
        assertThat(verified).hasSize(CLIENTS);
    }

    private Process start(int run) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                CollectingServerMain.class.getName(), dir.toString(), String.valueOf(CLIENTS)));
        return new ProcessBuilder(command).redirectError(dir.resolve("server-" + run + ".log").toFile()).start();
    }

    /** True for a collection acknowledgement. */
    private static boolean acknowledge(String line, Set<String> collected, Set<String> verified) {
        if (line.startsWith("collected ")) {
            collected.add(line.substring("collected ".length()));
            return true;
        }
        if (line.startsWith("verified ")) {
            verified.add(line.substring("verified ".length()));
        }
        return false;
    }

    private void checkInventory(int run, Set<String> collected, Set<String> verified) throws Exception {
        String url = JdbcInventory.h2Url(dir.resolve("server"));
        try (JdbcInventory inventory = JdbcInventory.open(url)) {
            for (String endpoint : collected) {
                assertThat(inventory.device(endpoint)).as("run %d: %s", run, endpoint).hasValueSatisfying(
                        device -> assertThat(device.summary().host().uniqueId()).isEqualTo("HD-" + endpoint));
            }
            for (String endpoint : verified) {
                assertThat(inventory.lastAcceptedCounter(endpoint)).as("run %d: %s", run, endpoint).isNotNegative();
            }
            Map<ComplianceState, Long> scanned = new EnumMap<>(ComplianceState.class);
            for (ComplianceState state : ComplianceState.values()) {
                scanned.put(state, 0L);
            }
            List<String> endpoints = new ArrayList<>();
            inventory.forEachDevice(device -> {
                scanned.merge(device.state(), 1L, Long::sum);
                endpoints.add(device.endpoint());
            });
            assertThat(endpoints).as("run %d", run).doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(CLIENTS)
                    .containsAll(collected);
            assertThat(inventory.complianceCounts()).as("run %d: counts", run).isEqualTo(scanned);
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet twice = s.executeQuery("SELECT endpoint, counter FROM verifications WHERE outcome = "
                        + "'VERIFIED' GROUP BY endpoint, counter HAVING COUNT(*) > 1")) {
            assertThat(twice.next()).as("run %d: an accepted counter stored twice", run).isFalse();
        }
    }
}
