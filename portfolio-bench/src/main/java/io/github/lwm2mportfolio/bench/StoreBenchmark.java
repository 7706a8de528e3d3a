package io.github.lwm2mportfolio.bench;

import io.github.lwm2mportfolio.client.store.PortfolioStore;
import io.github.lwm2mportfolio.client.store.StoredInstance;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The client's durable store beside the cheapest durable write of the same bytes: one file written and
 * forced to disk ({@code plainWrite}). A save adds a temp file, a rename and a directory fsync, which is what
 * makes it atomic; the limit is the disk's fsync, not the JSON. {@code nextCounter} writes once per block of
 * {@value PortfolioStore#DEFAULT_BLOCK_SIZE} values, so its limit is that many times {@code plainWrite}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class StoreBenchmark {

    private Path directory;
    private PortfolioStore store;
    private List<StoredInstance> instances;
    private byte[] storeBytes;
    private Path plainFile;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        directory = TempDirectory.create("store");
        store = PortfolioStore.open(directory.resolve("client"));
        // A typical client: the host instance, linked from /3/0/22, with DID7, DID4, DID5 and DID6.
        instances = List.of(StoredInstance.of(0, "3/0", false,
                Map.of(0, "HOST-7731-0042", 1, "Acme Meters", 2, "WM-3000", 3, "4.2.1")));
        store.saveInstances(instances);
        storeBytes = Files.readAllBytes(store.file());
        plainFile = directory.resolve("plain.json");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
        TempDirectory.delete(directory);
    }

    /** Encode, write a temp file, fsync, rename over the store file, fsync the directory. */
    @Benchmark
    public void saveInstances() throws Exception {
        store.saveInstances(instances);
    }

    @Benchmark
    public long nextCounter() throws Exception {
        return store.nextCounter();
    }

    /** What {@code Files.write} does, then {@code FileChannel.force}: durable, but not atomic. */
    @Benchmark
    public void plainWrite() throws IOException {
        try (FileChannel out = FileChannel.open(plainFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(storeBytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
    }
}
