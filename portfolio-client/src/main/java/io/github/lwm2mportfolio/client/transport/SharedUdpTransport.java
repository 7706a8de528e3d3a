package io.github.lwm2mportfolio.client.transport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.util.ClockUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plain UDP for many Californium endpoints in one JVM with a fixed number of threads: one selector thread receives
 * for every {@link SharedUdpConnector} (each a non-blocking {@link DatagramChannel} bound to its own port), a small
 * bounded worker pool hands received datagrams to the connectors' receivers, and sends run on the caller's thread.
 * A send that finds the socket buffer full is queued on its connector and flushed by the selector thread when the
 * channel becomes writable.
 * <p>
 * Threads: 1 selector thread (started by the constructor) and up to {@code workerThreads} workers (started on
 * demand, kept until {@link #close()}). All are daemon threads unless {@link Builder#daemon(boolean)} says
 * otherwise. {@link #close()} stops every connector, then the threads.
 * <p>
 * When the worker queue is full, received datagrams are dropped and counted ({@link #droppedDatagrams()}), as a
 * full socket buffer would drop them; the selector thread never blocks on a receiver.
 */
public final class SharedUdpTransport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedUdpTransport.class);

    /** Larger than any UDP payload, so the selector never truncates; connectors apply their own limit. */
    private static final int RECEIVE_BUFFER_SIZE = 65_536;
    /** Datagrams read from one ready channel before the selector turns to the next (fairness). */
    private static final int READS_PER_WAKEUP = 16;
    /** How long start/stop wait for the selector thread to (de)register a channel. */
    private static final long SELECTOR_TASK_TIMEOUT_MS = 10_000;

    private final String name;
    private final Selector selector;
    private final Thread selectorThread;
    private final ThreadPoolExecutor workers;
    private final int maxPendingSends;
    private final DatagramSender sender;
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(RECEIVE_BUFFER_SIZE);
    private final Queue<Runnable> selectorTasks = new ConcurrentLinkedQueue<>();
    private final Set<SharedUdpConnector> running = ConcurrentHashMap.newKeySet();
    private final LongAdder droppedDatagrams = new LongAdder();
    private final Object closeLock = new Object();
    /** No new connector may start. */
    private volatile boolean closing;
    /** The selector thread is to end (set once the connectors are stopped). */
    private volatile boolean shutdown;
    /** The selector thread has ended: tasks run on the caller's thread. */
    private volatile boolean selectorDone;

    /** A transport with the default settings (2 workers). */
    public SharedUdpTransport() throws IOException {
        this(new Builder());
    }

    private SharedUdpTransport(Builder builder) throws IOException {
        this.name = builder.name;
        this.maxPendingSends = builder.maxPendingSendsPerConnector;
        this.sender = builder.sender;
        this.selector = Selector.open();
        AtomicInteger workerIds = new AtomicInteger();
        ThreadFactory workerFactory = runnable -> {
            Thread thread = new Thread(runnable, name + "-worker-" + workerIds.incrementAndGet());
            thread.setDaemon(builder.daemon);
            return thread;
        };
        this.workers = new ThreadPoolExecutor(builder.workerThreads, builder.workerThreads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(builder.workerQueueCapacity), workerFactory,
                new ThreadPoolExecutor.AbortPolicy());
        this.selectorThread = new Thread(this::selectLoop, name + "-selector");
        this.selectorThread.setDaemon(builder.daemon);
        this.selectorThread.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A connector bound (on {@link SharedUdpConnector#start()}) to the given address, with Californium's default UDP
     * settings (2,048-byte datagrams, OS socket buffers).
     *
     * @param localAddress the address and port to bind; port 0 for an ephemeral port, {@code null} for an
     *        ephemeral port on the wildcard address
     */
    public SharedUdpConnector newConnector(InetSocketAddress localAddress) {
        return newConnector(localAddress, null);
    }

    /**
     * A connector bound (on {@link SharedUdpConnector#start()}) to the given address. Of the configuration's
     * {@code UdpConfig} it honours {@code UDP_DATAGRAM_SIZE}, {@code UDP_RECEIVE_BUFFER_SIZE},
     * {@code UDP_SEND_BUFFER_SIZE} and {@code UDP_CONNECTOR_OUT_CAPACITY} (capped by
     * {@link Builder#maxPendingSendsPerConnector(int)}); the thread counts do not apply.
     */
    public SharedUdpConnector newConnector(InetSocketAddress localAddress, Configuration configuration) {
        if (closing) {
            throw new IllegalStateException(name + " is closed");
        }
        return new SharedUdpConnector(this, localAddress, configuration);
    }

    /** Connectors currently started on this transport. */
    public int runningConnectors() {
        return running.size();
    }

    /** Received datagrams dropped because the worker queue was full. */
    public long droppedDatagrams() {
        return droppedDatagrams.sum();
    }

    public boolean isOpen() {
        return !closing;
    }

    @Override
    public String toString() {
        return name + "[" + running.size() + " connectors]";
    }

    /**
     * Stops every connector (their queued sends fail with an {@link InterruptedIOException}), then the selector
     * and worker threads. Idempotent.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closing) {
                return;
            }
            closing = true;
        }
        for (SharedUdpConnector connector : List.copyOf(running)) {
            connector.stop();
        }
        shutdown = true;
        selector.wakeup();
        if (Thread.currentThread() != selectorThread) {
            try {
                selectorThread.join(SELECTOR_TASK_TIMEOUT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.debug("{} closed ({} datagrams dropped)", name, droppedDatagrams.sum());
    }

    // ----------------------------------------------------------------------------------------------------------
    // Used by SharedUdpConnector

    int maxPendingSends() {
        return maxPendingSends;
    }

    DatagramSender sender() {
        return sender;
    }

    /** Registers a bound channel for reading; on return the selector watches it. */
    SelectionKey register(SharedUdpConnector connector, DatagramChannel channel) throws IOException {
        synchronized (closeLock) {
            if (closing) {
                throw new IOException(name + " is closed");
            }
            SelectionKey key = onSelectorThread(() -> channel.register(selector, SelectionKey.OP_READ, connector));
            running.add(connector);
            return key;
        }
    }

    /**
     * Cancels the key and closes the channel; on return the port is released (the selector has dropped the
     * channel: a registered channel keeps its socket open until then).
     */
    void unregister(SharedUdpConnector connector, SelectionKey key, DatagramChannel channel) {
        running.remove(connector);
        if (Thread.currentThread() == selectorThread) {
            // a callback run on the selector thread (workers saturated) stops its connector, maybe while the
            // selected keys are iterated: no selectNow here, the next select frees the socket
            if (key != null) {
                key.cancel();
            }
            closeQuietly(channel);
            return;
        }
        try {
            onSelectorThread(() -> {
                if (key != null) {
                    key.cancel();
                }
                channel.close();
                if (selector.isOpen()) {
                    selector.selectNow(); // processes the cancelled key, which frees the socket
                }
                return null;
            });
        } catch (IOException e) {
            LOG.warn("{}: closing {} failed: {}", name, connector, e.toString());
            closeQuietly(channel);
        }
    }

    /** Asks the selector to flush the connector's queued sends once its channel is writable. */
    void requestWrite(SharedUdpConnector connector) {
        submitToSelector(connector::enableWriteInterest);
    }

    /** Runs a job on the worker pool; false when the pool is saturated or shut down. */
    boolean dispatch(Runnable job) {
        try {
            workers.execute(job);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    void countDropped() {
        droppedDatagrams.increment();
    }

    // ----------------------------------------------------------------------------------------------------------
    // Selector thread

    private void selectLoop() {
        try {
            while (!shutdown) {
                selector.select();
                runSelectorTasks();
                Set<SelectionKey> selected = selector.selectedKeys();
                Iterator<SelectionKey> keys = selected.iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    handle(key);
                }
            }
        } catch (Throwable t) {
            LOG.error("{}: selector thread failed, every connector stops", name, t);
        } finally {
            selectorDone = true;
            runSelectorTasks();
            for (SelectionKey key : List.copyOf(selector.keys())) {
                if (key.attachment() instanceof SharedUdpConnector connector) {
                    connector.transportClosed();
                    running.remove(connector);
                }
                closeQuietly(key.channel());
            }
            try {
                selector.close();
            } catch (IOException e) {
                LOG.debug("{}: closing the selector: {}", name, e.toString());
            }
            runSelectorTasks();
        }
    }

    private void handle(SelectionKey key) {
        SharedUdpConnector connector = (SharedUdpConnector) key.attachment();
        try {
            if (key.isValid() && key.isReadable()) {
                read(key, connector);
            }
            if (key.isValid() && key.isWritable()) {
                connector.flushPending();
            }
        } catch (CancelledKeyException e) {
            // stopped meanwhile
        } catch (RuntimeException e) {
            LOG.warn("{}: error on {}", name, connector, e);
        }
    }

    private void read(SelectionKey key, SharedUdpConnector connector) {
        DatagramChannel channel = (DatagramChannel) key.channel();
        for (int i = 0; i < READS_PER_WAKEUP; i++) {
            receiveBuffer.clear();
            InetSocketAddress from;
            try {
                from = (InetSocketAddress) channel.receive(receiveBuffer);
            } catch (IOException e) {
                if (!channel.isOpen()) {
                    key.cancel();
                } else {
                    LOG.debug("{}: receive on {} failed: {}", name, connector, e.toString());
                }
                return;
            }
            if (from == null) {
                return;
            }
            long timestamp = ClockUtil.nanoRealtime();
            receiveBuffer.flip();
            connector.received(receiveBuffer, from, timestamp);
        }
    }

    private void runSelectorTasks() {
        Runnable task;
        while ((task = selectorTasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("{}: selector task failed", name, e);
            }
        }
    }

    private void submitToSelector(Runnable task) {
        selectorTasks.add(task);
        if (selectorDone) {
            runSelectorTasks(); // the selector thread is gone: run it here (it sees a closed selector)
        } else {
            selector.wakeup();
        }
    }

    private <T> T onSelectorThread(Callable<T> task) throws IOException {
        if (Thread.currentThread() == selectorThread) {
            try {
                return task.call();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        submitToSelector(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(SELECTOR_TASK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(name + ": " + cause, cause);
        } catch (TimeoutException e) {
            throw new IOException(name + ": the selector thread did not answer within " + SELECTOR_TASK_TIMEOUT_MS
                    + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(name + ": interrupted while waiting for the selector thread");
        }
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }

    /** Settings of a {@link SharedUdpTransport}. */
    public static final class Builder {

        private String name = "shared-udp";
        private int workerThreads = 2;
        private int workerQueueCapacity = 8_192;
        private int maxPendingSendsPerConnector = 256;
        private boolean daemon = true;
        private DatagramSender sender = DatagramSender.CHANNEL;

        private Builder() {
        }

        /** Prefix of the thread names (default {@code shared-udp}). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Threads that hand received datagrams to the connectors' receivers (default 2). */
        public Builder workerThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("at least one worker thread is needed");
            }
            this.workerThreads = threads;
            return this;
        }

        /** Received datagrams waiting for a worker; beyond this they are dropped (default 8,192). */
        public Builder workerQueueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("the worker queue needs room for at least one datagram");
            }
            this.workerQueueCapacity = capacity;
            return this;
        }

        /**
         * Sends a connector keeps while its socket buffer is full; beyond this a send fails with "Connector
         * overloaded" (default 256).
         */
        public Builder maxPendingSendsPerConnector(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("at least one pending send is needed");
            }
            this.maxPendingSendsPerConnector = max;
            return this;
        }

        /** Whether the threads are daemon threads (default true: they never keep the JVM alive). */
        public Builder daemon(boolean daemon) {
            this.daemon = daemon;
            return this;
        }

        Builder sender(DatagramSender sender) {
            this.sender = Objects.requireNonNull(sender, "sender");
            return this;
        }

        public SharedUdpTransport build() throws IOException {
            return new SharedUdpTransport(this);
        }
    }
}
