package io.github.lwm2mportfolio.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.testing.WriterProcesses;

/**
 * Kills a writing process with SIGKILL at arbitrary moments and checks what survives: the store file is always
 * one complete save, the last one acknowledged (printed) or the one being written, and the counter never goes back.
 * {@value #DEFAULT_KILLS} kills in every build (in two lanes, each on its own store);
 * {@code -Dcrash.kills=N} for a longer run.
 */
class PortfolioStoreCrashTest {

    private static final int DEFAULT_KILLS = 200;
    private static final int KILLS = Integer.getInteger("crash.kills", DEFAULT_KILLS);
    /** Saves acknowledged before a kill: 1 to this many, at random. */
    private static final int MAX_ITERATIONS_BEFORE_KILL = 10;
    // Small blocks, so that kills also land during counter reservations.
    private static final int BLOCK_SIZE = 7;
    private static final int LANES = 2;
    private static final long KILL_JITTER_NANOS = TimeUnit.MILLISECONDS.toNanos(8);

    @Test
    void a_writer_killed_mid_save_leaves_its_last_or_next_state_and_a_counter_that_never_repeats(
            @TempDir Path dir) throws Exception {
        // Child JVMs spend most of their life starting (CPU): one lane per core halves the test's time.
        ExecutorService lanes = Executors.newFixedThreadPool(LANES);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int lane = 0; lane < LANES; lane++) {
                Path laneDir = dir.resolve("lane-" + lane);
                int kills = KILLS / LANES + (lane < KILLS % LANES ? 1 : 0);
                done.add(lanes.submit(() -> {
                    killAndCheck(laneDir, kills);
                    return null;
                }));
            }
            for (Future<?> lane : done) {
                lane.get();
            }
        } finally {
            lanes.shutdownNow();
        }
    }

    /** Kills a writer on its own store this many times, checking the store after each kill. */
    private static void killAndCheck(Path dir, int kills) throws Exception {
        Path storeDir = dir.resolve("store");
        List<Long> counters = new ArrayList<>();
        int lastIteration = 0;

        for (int run = 1; run <= kills; run++) {
            Files.createDirectories(dir);
            Path stderr = dir.resolve("child-" + run + ".err");
            Process child = WriterProcesses.start(StoreWriterProcess.class, stderr, storeDir.toString(),
                    Integer.toString(BLOCK_SIZE));
            List<long[]> printed = new ArrayList<>();
            int iterationsBeforeKill = ThreadLocalRandom.current().nextInt(1, MAX_ITERATIONS_BEFORE_KILL + 1);
            try {
                BlockingQueue<String> lines = WriterProcesses.readLinesInBackground(child, "writer-stdout");
                while (printed.size() < iterationsBeforeKill) {
                    String line = lines.poll(60, TimeUnit.SECONDS);
                    if (line == null || line.equals(WriterProcesses.END)) {
                        fail("writer stopped after " + printed.size() + " iterations; stderr:\n"
                                + Files.readString(stderr));
                    }
                    printed.add(WriterProcesses.parse(line));
                    if (printed.size() == 1 && run == 1) {
                        // The lock is the OS's: a live writer keeps every other process out.
                        assertThatThrownBy(() -> PortfolioStore.open(storeDir))
                                .isInstanceOf(StoreException.class)
                                .hasMessageContaining("store in use by another process");
                    }
                }
                // Right after a line the child is always at the start of a save; a random extra moment
                // moves the kill to anywhere within the next iterations (temp write, rename, reservation).
                long killAt = System.nanoTime() + ThreadLocalRandom.current().nextLong(KILL_JITTER_NANOS);
                while (System.nanoTime() < killAt) {
                    Thread.onSpinWait();
                }
                // Through the handle: Process.destroyForcibly() would also close our end of the pipe
                // and lose lines the child printed but we have not read yet.
                child.toHandle().destroyForcibly();
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("writer died").isTrue();
                // Whatever the writer managed to print before dying counts as completed too.
                for (String line = lines.poll(60, TimeUnit.SECONDS); !WriterProcesses.END.equals(line);
                        line = lines.poll(60, TimeUnit.SECONDS)) {
                    assertThat(line).as("rest of output after kill").isNotNull();
                    printed.add(WriterProcesses.parse(line));
                }
            } finally {
                child.destroyForcibly();
            }

            for (long[] p : printed) {
                assertThat(p[0]).as("iterations continue from the stored state").isEqualTo(lastIteration + 1);
                lastIteration = (int) p[0];
                counters.add(p[1]);
            }
            long maxCounter = Collections.max(counters);

            try (PortfolioStore store = PortfolioStore.open(storeDir)) {
                StoredState state = store.state();
                int stored = StoreWriterProcess.iterationOf(state);
                assertThat(stored).as("stored iteration after run " + run)
                        .isBetween(lastIteration, lastIteration + 1);
                assertThat(state.instances()).as("state of iteration " + stored + " is complete")
                        .isEqualTo(StoreWriterProcess.instancesFor(stored));
                assertThat(state.counterHighWater()).isGreaterThanOrEqualTo(maxCounter);
                long next = store.nextCounter();
                assertThat(next).isGreaterThan(maxCounter);
                counters.add(next);
                // The next child starts from the stored state, which may be one past the last printed.
                lastIteration = stored;
            }
            assertThat(Files.exists(storeDir.resolve(PortfolioStore.TEMP_NAME))).isFalse();
        }

        assertThat(counters).as("every counter value ever handed out").isSorted().doesNotHaveDuplicates();
    }
}
