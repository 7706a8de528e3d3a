package io.github.lwm2mportfolio.client.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's durable store: the Portfolio instances it owns and the AuthData counter, kept in one
 * JSON file ({@value #FILE_NAME}) in a directory of its own.
 *
 * <p>Every save is durable when the method returns and atomic: after a crash at any moment the file
 * holds either the previous or the new state, never a mix. The AuthData counter never goes down, not
 * even across crashes: values are handed out from blocks whose upper end is saved before the first
 * value of the block is used. Only one process at a time may open a store directory.
 *
 * <p>{@link #saveInstances} and {@link #nextCounter} may be called from any thread.
 */
public final class PortfolioStore implements AutoCloseable {

    /** Name of the store file inside the store directory. */
    public static final String FILE_NAME = "portfolio.json";

    /** Counter values reserved by one write, unless {@link #open(Path, int)} says otherwise. */
    public static final int DEFAULT_BLOCK_SIZE = 100;

    static final String TEMP_NAME = FILE_NAME + ".tmp";
    static final String LOCK_NAME = ".lock";

    private static final Logger LOG = LoggerFactory.getLogger(PortfolioStore.class);

    private static final Set<StandardOpenOption> WRITE_OPTIONS = EnumSet.of(
            StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);

    private final Path directory;
    private final Path file;
    private final Path tempFile;
    private final int blockSize;
    private final FileChannel lockChannel;
    private final FileLock lock;

    /** What is on disk; replaced only after a write succeeded. */
    private volatile StoredState state;
    /** Greatest counter value handed out by this process, or the high-water mark found at open. */
    private long lastCounter;
    private boolean closed;

    private PortfolioStore(Path directory, int blockSize, FileChannel lockChannel, FileLock lock,
            StoredState state) {
        this.directory = directory;
        this.file = directory == null ? null : directory.resolve(FILE_NAME);
        this.tempFile = directory == null ? null : directory.resolve(TEMP_NAME);
        this.blockSize = blockSize;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.state = state;
        this.lastCounter = state.counterHighWater();
    }

    /**
     * A store in memory only, for simulations and tests: nothing survives the process, and it holds no file. So
     * that AuthData counters still rise across restarts (a server refuses a counter it has seen), they start
     * above the current time in microseconds.
     */
    public static PortfolioStore inMemory() {
        long nowMicros = Math.multiplyExact(System.currentTimeMillis(), 1000L);
        return new PortfolioStore(null, 1, null, null, new StoredState(List.of(), nowMicros));
    }

    /** Opens the store in {@code directory} with the default counter block size. */
    public static PortfolioStore open(Path directory) throws StoreException {
        return open(directory, DEFAULT_BLOCK_SIZE);
    }

    /**
     * Opens the store in {@code directory}, creating the directory when absent, and loads its file;
     * a directory without a store file is an empty store.
     *
     * @param blockSize how many counter values one write reserves (at least 1); larger blocks mean
     *     fewer writes and larger gaps in the counter after a restart
     * @throws StoreCorruptedException if the file exists but is not a valid store; it is left untouched
     * @throws StoreException if the store is already open, or on I/O failure
     */
    public static PortfolioStore open(Path directory, int blockSize) throws StoreException {
        Objects.requireNonNull(directory, "directory");
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize must be at least 1, was " + blockSize);
        }
        Path dir = directory.toAbsolutePath().normalize();
        try {
            // Owner-only: the directory holds the store and, beside it, the key store and its password file.
            Files.createDirectories(dir, ownerOnly(dir, "rwx------"));
        } catch (IOException e) {
            throw new StoreException("cannot create store directory " + dir + ": " + describe(e), e);
        }

        Path lockFile = dir.resolve(LOCK_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreException("cannot open lock file " + lockFile + ": " + describe(e), e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // The JVM, not the OS, refuses a second lock by the same process.
            closeQuietly(channel);
            throw new StoreException("store in use by another process: " + dir
                    + " (it is already open in this process)", e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StoreException("cannot lock " + lockFile + ": " + describe(e), e);
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new StoreException("store in use by another process: " + dir);
        }

        try {
            // Only now, holding the lock, can a temp file be known to be a crash leftover.
            Path temp = dir.resolve(TEMP_NAME);
            try {
                if (Files.deleteIfExists(temp)) {
                    LOG.info("Removed {} left by an interrupted write; the last complete save is kept", temp);
                }
            } catch (IOException e) {
                throw new StoreException("cannot remove leftover temp file " + temp + ": " + describe(e), e);
            }
            StoredState loaded = load(dir.resolve(FILE_NAME));
            LOG.debug("Opened store {}: {} instance(s), counter high-water {}", dir, loaded.instances().size(),
                    loaded.counterHighWater());
            return new PortfolioStore(dir, blockSize, channel, lock, loaded);
        } catch (StoreException | RuntimeException | Error e) {
            releaseQuietly(lock, channel);
            throw e;
        }
    }

    private static StoredState load(Path file) throws StoreException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return StoredState.empty();
        } catch (IOException e) {
            throw new StoreException("cannot read store file " + file + ": " + describe(e), e);
        }
        return StoreFormat.decode(file, bytes);
    }

    /** The last saved state. Never blocks. */
    public StoredState state() {
        return state;
    }

    /**
     * Replaces all instances and returns once the new state is on disk. The counter high-water mark
     * is kept as it is. On failure nothing changes, neither in memory nor on disk.
     *
     * @throws IllegalArgumentException if two instances have the same id
     */
    public synchronized void saveInstances(List<StoredInstance> instances) throws StoreException {
        Objects.requireNonNull(instances, "instances");
        ensureOpen();
        StoredState next = new StoredState(instances, state.counterHighWater());
        write(next);
        state = next;
    }

    /**
     * The next AuthData counter value, strictly greater than every value this store has returned
     * before, in this process or an earlier one. Values may be skipped after a restart.
     *
     * @throws StoreException if the reservation of a new block cannot be saved (no value is used up),
     *     or the counter reached {@link Long#MAX_VALUE}
     */
    public synchronized long nextCounter() throws StoreException {
        ensureOpen();
        if (lastCounter == Long.MAX_VALUE) {
            throw new StoreException("AuthData counter exhausted in " + file);
        }
        long value = lastCounter + 1;
        StoredState current = state;
        if (value > current.counterHighWater()) {
            long high = current.counterHighWater();
            long newHigh = high > Long.MAX_VALUE - blockSize ? Long.MAX_VALUE : high + blockSize;
            StoredState next = new StoredState(current.instances(), newHigh);
            // The value must not leave this method before its block is durable.
            write(next);
            state = next;
        }
        lastCounter = value;
        return value;
    }

    /** The store file (which may not exist yet); null in memory. */
    public Path file() {
        return file;
    }

    /** The store directory; null in memory. */
    public Path directory() {
        return directory;
    }

    /** Releases the directory lock; later saves fail with {@link IllegalStateException}. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (lock != null) {
            releaseQuietly(lock, lockChannel);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("store is closed: " + directory);
        }
    }

    private void write(StoredState next) throws StoreException {
        if (directory == null) {
            return; // in memory: the caller keeps the state
        }
        byte[] bytes = StoreFormat.encode(next);
        try (FileChannel out = FileChannel.open(tempFile, WRITE_OPTIONS, fileAttributes())) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        } catch (IOException e) {
            deleteQuietly(tempFile);
            throw new StoreException("cannot write " + tempFile + ": " + describe(e), e);
        }
        try {
            Files.move(tempFile, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(tempFile);
            throw new StoreException("cannot replace " + file + " with " + tempFile + ": " + describe(e), e);
        }
        syncDirectory();
    }

    /** Identity values are nobody else's business: owner-only where the file system has POSIX modes. */
    private FileAttribute<?>[] fileAttributes() {
        return ownerOnly(directory, "rw-------");
    }

    private static FileAttribute<?>[] ownerOnly(Path path, String permissions) {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))};
        }
        return new FileAttribute<?>[0];
    }

    /** Makes the rename itself durable; without this a power loss could bring the old file back. */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open or force a directory; the rename is all we get there.
            LOG.trace("Cannot fsync directory {}: {}", directory, e.toString());
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.debug("Cannot delete {}: {}", path, e.toString());
        }
    }

    private static void releaseQuietly(FileLock lock, FileChannel channel) {
        try {
            lock.release();
        } catch (IOException e) {
            LOG.warn("Cannot release store lock {}: {}", lock, e.toString());
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("Cannot close {}: {}", channel, e.toString());
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        String type = e.getClass().getSimpleName();
        return message == null ? type : type + ": " + message;
    }
}
