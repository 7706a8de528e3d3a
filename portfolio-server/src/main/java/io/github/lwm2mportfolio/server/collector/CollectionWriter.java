package io.github.lwm2mportfolio.server.collector;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.server.inventory.CollectionRecord;
import io.github.lwm2mportfolio.server.inventory.Inventory;

/**
 * Group commit of collections: the records of devices collected at the same time wait in a bounded queue, and one
 * writer thread commits up to {@code maxBatch} of them in one transaction; each caller learns when its own record is
 * committed. When a batch fails, its records are written again one by one, so that one record that cannot be written
 * loses none of the others. Once closed, records are written by their caller.
 */
final class CollectionWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CollectionWriter.class);
    /** How often the writer looks whether it was closed while no record comes. */
    private static final long IDLE_POLL_MS = 200;

    private record Pending(CollectionRecord record, CompletableFuture<Boolean> accepted) {
    }

    private final Inventory inventory;
    private final int maxBatch;
    private final BlockingQueue<Pending> queue;
    private final Thread thread;
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private volatile boolean closed;

    CollectionWriter(Inventory inventory, int maxBatch, int capacity) {
        if (maxBatch < 1 || capacity < 1) {
            throw new IllegalArgumentException("a batch and the queue hold one record at least");
        }
        this.inventory = inventory;
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "collection-writer");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Waits for a record {@link #submit submitted}: false when its verdict was a replayed counter (as
     * {@link Inventory#collectionRecorded}).
     *
     * @throws RuntimeException what writing this record alone threw
     */
    static boolean await(CompletableFuture<Boolean> accepted) {
        try {
            return accepted.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * Queues the record, waiting while the queue is full; the future completes on the writer's thread once the
     * record is committed (or in the caller, written alone, when closed): what depends on it must not wait for
     * anything the caller of this method holds.
     */
    CompletableFuture<Boolean> submit(CollectionRecord record) {
        Pending pending = new Pending(record, new CompletableFuture<>());
        try {
            while (!closed) {
                if (queue.offer(pending, IDLE_POLL_MS, TimeUnit.MILLISECONDS)) {
                    if (closed && queue.remove(pending)) {
                        break; // queued as the writer stopped: nobody else will take it
                    }
                    return pending.accepted();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // a stopping collector: the record is still written, here
        }
        writeAlone(pending);
        return pending.accepted();
    }

    /** Write transactions committed so far (a batch is one). */
    long transactions() {
        return transactions.get();
    }

    /** Records committed so far. */
    long records() {
        return records.get();
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                commit(batch);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("the collection writer failed unexpectedly", e);
                batch.forEach(p -> p.accepted().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Pending> batch) {
        if (batch.size() == 1) {
            writeAlone(batch.get(0));
            return;
        }
        List<Boolean> accepted;
        try {
            accepted = inventory.collectionsRecorded(batch.stream().map(Pending::record).toList());
            transactions.incrementAndGet();
            records.addAndGet(batch.size());
        } catch (RuntimeException e) {
            LOG.info("a batch of {} collections could not be written ({}): written one by one", batch.size(),
                    e.toString());
            batch.forEach(this::writeAlone);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).accepted().complete(accepted.get(i));
        }
    }

    private void writeAlone(Pending pending) {
        try {
            boolean accepted = inventory.collectionRecorded(pending.record());
            transactions.incrementAndGet();
            records.incrementAndGet();
            pending.accepted().complete(accepted);
        } catch (RuntimeException e) {
            pending.accepted().completeExceptionally(e);
        }
    }

    /** Writes what is queued, then stops the writer (waiting for it a few seconds at most). */
    @Override
    public void close() {
        closed = true;
        if (thread.isAlive()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Pending pending; (pending = queue.poll()) != null;) { // a writer never started, or too slow to end
            writeAlone(pending);
        }
    }
}
