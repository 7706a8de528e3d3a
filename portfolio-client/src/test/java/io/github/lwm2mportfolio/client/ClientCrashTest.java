package io.github.lwm2mportfolio.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.store.PortfolioStore;
import io.github.lwm2mportfolio.client.store.StoredInstance;
import io.github.lwm2mportfolio.client.store.StoredState;
import io.github.lwm2mportfolio.client.testing.WriterProcesses;

/**
 * Kills our whole client (PortfolioClient with its store and keys.p12) with SIGKILL at random moments while it
 * writes Identity values and makes AuthData ({@link ClientWriterProcess}), restarts it on the same data directory,
 * and checks after every kill: the store holds the last acknowledged value or the one being written, complete; the
 * client starts again; the AuthData counter never goes back nor repeats. A client JVM takes 1 to 3 s to start on a
 * loaded CI machine, so every build kills it {@value #DEFAULT_KILLS} times ({@code PortfolioStoreCrashTest} kills
 * the store's writer 200 times); {@code -Dcrash.kills=N} for a longer run.
 */
class ClientCrashTest {

    private static final int DEFAULT_KILLS = 10;
    private static final int KILLS = Integer.getInteger("crash.kills", DEFAULT_KILLS);
    private static final long KILL_JITTER_NANOS = TimeUnit.MILLISECONDS.toNanos(6);
    private static final Map<Integer, String> FIXED = Map.of(0, "HOST-1", 1, "Acme", 2, "WM-3000");

    @Test
    void a_client_killed_at_random_moments_keeps_its_last_acknowledged_value_and_a_rising_counter(
            @TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        List<Long> counters = new ArrayList<>();
        int stored = 0;
        for (int kill = 1; kill <= KILLS; kill++) {
            Path stderr = dir.resolve("child.err");
            List<long[]> acknowledged = runAndKill(data, stderr, ThreadLocalRandom.current().nextInt(1, 4));

            int expected = stored + 1;
            for (long[] line : acknowledged) {
                assertThat(line[0]).as("kill %d: iterations continue from the stored value", kill)
                        .isEqualTo(expected++);
                counters.add(line[1]);
            }
            int lastAcknowledged = expected - 1;
            try (PortfolioStore store = PortfolioStore.open(data)) {
                StoredState state = store.state();
                assertThat(state.instances()).as("kill %d", kill).hasSize(1);
                StoredInstance host = state.instances().get(0);
                stored = ClientWriterProcess.iterationOf(host.identities().get(3));
                assertThat(stored).as("kill %d: the stored value is the last acknowledged or the next", kill)
                        .isBetween(lastAcknowledged, lastAcknowledged + 1);
                assertThat(host.identities()).as("kill %d", kill).containsAllEntriesOf(FIXED).hasSize(4);
                assertThat(state.counterHighWater()).as("kill %d: counter high-water mark", kill)
                        .isGreaterThanOrEqualTo(counters.get(counters.size() - 1));
            }
        }
        assertThat(counters).as("every counter value in AuthData, across %d kills", KILLS).isSorted()
                .doesNotHaveDuplicates();
    }

    /** Starts the client, waits for this many acknowledged rounds, kills it at a random moment after them. */
    private static List<long[]> runAndKill(Path data, Path stderr, int roundsBeforeKill) throws Exception {
        Process child = WriterProcesses.start(ClientWriterProcess.class, stderr, data.toString());
        List<long[]> acknowledged = new ArrayList<>();
        try {
            BlockingQueue<String> lines = WriterProcesses.readLinesInBackground(child, "client-stdout");
            while (acknowledged.size() < roundsBeforeKill) {
                String line = lines.poll(60, TimeUnit.SECONDS);
                if (line == null || line.equals(WriterProcesses.END)) {
                    fail("the client stopped after " + acknowledged.size() + " rounds; stderr:\n"
                            + Files.readString(stderr));
                }
                acknowledged.add(WriterProcesses.parse(line));
            }
            // Right after a line the child starts a save; a random extra moment moves the kill anywhere within
            // the next rounds (temp file, fsync, rename, counter reservation, AuthData).
            long killAt = System.nanoTime() + ThreadLocalRandom.current().nextLong(KILL_JITTER_NANOS);
            while (System.nanoTime() < killAt) {
                Thread.onSpinWait();
            }
            // SIGKILL through the handle: Process.destroyForcibly() would also close our end of the pipe and lose
            // lines the child printed but we have not read yet.
            child.toHandle().destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("client died").isTrue();
            for (String line = lines.poll(60, TimeUnit.SECONDS); !WriterProcesses.END.equals(line);
                    line = lines.poll(60, TimeUnit.SECONDS)) {
                assertThat(line).as("rest of the output after the kill").isNotNull();
                acknowledged.add(WriterProcesses.parse(line));
            }
        } finally {
            child.destroyForcibly();
        }
        return acknowledged;
    }
}
