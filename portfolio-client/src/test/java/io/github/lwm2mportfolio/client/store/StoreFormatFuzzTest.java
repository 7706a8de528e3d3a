package io.github.lwm2mportfolio.client.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any bytes in {@code portfolio.json}: the store loader reads a valid state, which it writes back byte for byte the
 * same way it reads it, or refuses the file with a {@link StoreCorruptedException} naming it; never an unchecked
 * exception or an error. {@code mvn test} replays the seeds in {@code StoreFormatFuzzTestInputs};
 * {@code JAZZER_FUZZ=1 mvn test -pl portfolio-client -Dtest=StoreFormatFuzzTest} fuzzes for five minutes.
 */
class StoreFormatFuzzTest {

    private static final Path FILE = Path.of("portfolio.json");

    @FuzzTest(maxDuration = "5m")
    void load(byte[] bytes) {
        StoredState state;
        try {
            state = StoreFormat.decode(FILE, bytes);
        } catch (StoreCorruptedException e) {
            assertThat(e.getMessage()).contains("portfolio.json");
            return;
        }
        byte[] written = StoreFormat.encode(state);
        try {
            assertThat(StoreFormat.decode(FILE, written)).isEqualTo(state);
        } catch (StoreCorruptedException e) {
            throw new AssertionError("the store cannot read what it wrote: " + e.getMessage(), e);
        }
    }
}
