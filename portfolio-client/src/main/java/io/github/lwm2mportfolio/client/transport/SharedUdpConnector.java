package io.github.lwm2mportfolio.client.transport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.DatagramPacket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.EndpointContextMatcher;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.RawDataChannel;
import org.eclipse.californium.elements.UdpEndpointContext;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.elements.exception.EndpointMismatchException;
import org.eclipse.californium.elements.util.ClockUtil;
import org.eclipse.californium.elements.util.StringUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Californium {@link Connector} for plain UDP without threads of its own: its non-blocking
 * {@link DatagramChannel} is watched by the {@link SharedUdpTransport}'s selector thread, received datagrams reach
 * the {@link RawDataChannel} on the transport's worker pool, and {@link #send(RawData)} writes on the caller's thread.
 * Create one with {@link SharedUdpTransport#newConnector}.
 * <p>
 * Message callbacks follow Californium's {@code UDPConnector}: {@code onContextEstablished} with a
 * {@link UdpEndpointContext} before the datagram leaves, then {@code onSent}; {@code onError} when the connector is
 * not running, the destination port is 0, the endpoint context matcher refuses the destination, the socket refuses
 * the datagram, or too many sends wait for a full socket buffer.
 * <p>
 * {@link #start()}, {@link #stop()} and {@link #destroy()} are idempotent; a stopped connector can be started again
 * (it binds its configured address anew, so an ephemeral port changes), a destroyed one cannot.
 */
public final class SharedUdpConnector implements Connector {

    private static final Logger LOG = LoggerFactory.getLogger(SharedUdpConnector.class);

    private static final int DEFAULT_DATAGRAM_SIZE = 2048;

    private final SharedUdpTransport transport;
    private final InetSocketAddress localAddress;
    private final int datagramSize;
    private final int maxPendingSends;
    private final Integer receiveBufferSize;
    private final Integer sendBufferSize;
    private final DatagramSender sender;

    /** Serialises start, stop and destroy. */
    private final Object lifecycle = new Object();
    /** Guards the channel, the key, the running flag and the pending queue. */
    private final Object sendLock = new Object();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();

    private volatile boolean running;
    private volatile boolean destroyed;
    private volatile InetSocketAddress effectiveAddress;
    private volatile RawDataChannel receiver;
    private volatile EndpointContextMatcher endpointContextMatcher;
    private DatagramChannel channel;
    private SelectionKey key;

    private record Pending(RawData message, InetSocketAddress destination) {
    }

    SharedUdpConnector(SharedUdpTransport transport, InetSocketAddress localAddress, Configuration configuration) {
        this.transport = transport;
        this.localAddress = localAddress != null ? localAddress : new InetSocketAddress(0);
        this.effectiveAddress = this.localAddress;
        this.sender = transport.sender();
        if (configuration != null) {
            this.datagramSize = configuration.get(UdpConfig.UDP_DATAGRAM_SIZE);
            this.receiveBufferSize = configuration.get(UdpConfig.UDP_RECEIVE_BUFFER_SIZE);
            this.sendBufferSize = configuration.get(UdpConfig.UDP_SEND_BUFFER_SIZE);
            this.maxPendingSends = Math.min(configuration.get(UdpConfig.UDP_CONNECTOR_OUT_CAPACITY),
                    transport.maxPendingSends());
        } else {
            this.datagramSize = DEFAULT_DATAGRAM_SIZE;
            this.receiveBufferSize = null;
            this.sendBufferSize = null;
            this.maxPendingSends = transport.maxPendingSends();
        }
    }

    @Override
    public void start() throws IOException {
        synchronized (lifecycle) {
            if (destroyed) {
                throw new IllegalStateException(this + " is destroyed");
            }
            if (running) {
                return;
            }
            DatagramChannel opened = open(localAddress);
            try {
                InetSocketAddress bound = (InetSocketAddress) opened.getLocalAddress();
                synchronized (sendLock) {
                    channel = opened;
                    effectiveAddress = bound;
                }
                SelectionKey registered = transport.register(this, opened);
                synchronized (sendLock) {
                    key = registered;
                    running = true;
                }
            } catch (IOException | RuntimeException e) {
                synchronized (sendLock) {
                    channel = null;
                    key = null;
                }
                opened.close();
                throw e;
            }
            LOG.debug("{} listening", this);
        }
    }

    private DatagramChannel open(InetSocketAddress address) throws IOException {
        InetAddress ip = address.getAddress();
        // The wildcard gets the platform's default (dual stack where available), as a DatagramSocket would.
        DatagramChannel opened = ip == null || ip.isAnyLocalAddress() ? DatagramChannel.open()
                : ip instanceof Inet4Address ? DatagramChannel.open(StandardProtocolFamily.INET)
                        : ip instanceof Inet6Address ? DatagramChannel.open(StandardProtocolFamily.INET6)
                                : DatagramChannel.open();
        try {
            opened.configureBlocking(false);
            opened.setOption(StandardSocketOptions.SO_BROADCAST, true); // as Californium's UDPConnector allows
            if (receiveBufferSize != null && receiveBufferSize > 0) {
                opened.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferSize);
            }
            if (sendBufferSize != null && sendBufferSize > 0) {
                opened.setOption(StandardSocketOptions.SO_SNDBUF, sendBufferSize);
            }
            opened.bind(address);
            return opened;
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    @Override
    public void stop() {
        List<Pending> dropped;
        synchronized (lifecycle) {
            DatagramChannel closing;
            SelectionKey closingKey;
            synchronized (sendLock) {
                if (!running) {
                    return;
                }
                running = false;
                closing = channel;
                closingKey = key;
                channel = null;
                key = null;
                dropped = new ArrayList<>(pending);
                pending.clear();
            }
            transport.unregister(this, closingKey, closing);
            LOG.debug("{} stopped", this);
        }
        for (Pending message : dropped) {
            message.message().onError(notRunning());
        }
    }

    @Override
    public void destroy() {
        stop();
        destroyed = true;
        receiver = null;
    }

    /** The transport is gone without a stop (its selector thread ended): forget the channel, fail queued sends. */
    void transportClosed() {
        List<Pending> dropped;
        DatagramChannel closing;
        synchronized (sendLock) {
            if (!running) {
                return;
            }
            running = false;
            closing = channel;
            channel = null;
            key = null;
            dropped = new ArrayList<>(pending);
            pending.clear();
        }
        try {
            closing.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Pending message : dropped) {
            message.message().onError(notRunning());
        }
    }

    @Override
    public void send(RawData message) {
        if (message == null) {
            throw new NullPointerException("Message must not be null");
        }
        InetSocketAddress destination = message.getInetSocketAddress();
        if (destination.getPort() == 0) {
            message.onError(new IOException(
                    "CoAP message to " + StringUtil.toString(destination) + " dropped, destination port 0!"));
            return;
        }
        if (!running) {
            message.onError(notRunning());
            return;
        }
        EndpointContext connectionContext = new UdpEndpointContext(destination);
        EndpointContextMatcher matcher = endpointContextMatcher;
        if (matcher != null && !matcher.isToBeSent(message.getEndpointContext(), connectionContext)) {
            LOG.warn("{} drops {} bytes to {}", this, message.getSize(), StringUtil.toLog(destination));
            message.onError(new EndpointMismatchException("UDP sending"));
            return;
        }
        message.onContextEstablished(connectionContext);

        boolean sent = false;
        boolean firstQueued = false;
        Throwable error = null;
        synchronized (sendLock) {
            if (!running) {
                error = notRunning();
            } else if (pending.isEmpty()) {
                try {
                    sent = trySend(channel, message, destination);
                    if (!sent) {
                        pending.add(new Pending(message, destination));
                        firstQueued = true;
                    }
                } catch (IOException | RuntimeException e) {
                    error = e;
                }
            } else if (pending.size() < maxPendingSends) {
                pending.add(new Pending(message, destination)); // behind the others, in order
            } else {
                error = new InterruptedIOException("Connector overloaded.");
            }
        }
        if (firstQueued) {
            transport.requestWrite(this);
        }
        if (sent) {
            LOG.trace("{} sent {} bytes to {}", this, message.getSize(), StringUtil.toLog(destination));
            message.onSent();
        } else if (error != null) {
            LOG.debug("{} failed to send {} bytes to {}: {}", this, message.getSize(), StringUtil.toLog(destination),
                    error.toString());
            message.onError(error);
        }
    }

    private boolean trySend(DatagramChannel target, RawData message, InetSocketAddress destination)
            throws IOException {
        byte[] bytes = message.getBytes();
        int written = sender.send(target, ByteBuffer.wrap(bytes), destination);
        return written > 0 || bytes.length == 0;
    }

    /** Selector thread: the channel was found writable while sends wait. */
    void flushPending() {
        List<RawData> sent = new ArrayList<>();
        List<Pending> failed = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        synchronized (sendLock) {
            if (!running) {
                return;
            }
            while (!pending.isEmpty()) {
                Pending next = pending.peek();
                try {
                    if (!trySend(channel, next.message(), next.destination())) {
                        break; // still full: OP_WRITE stays on
                    }
                    sent.add(next.message());
                } catch (IOException | RuntimeException e) {
                    failed.add(next);
                    errors.add(e);
                }
                pending.poll();
            }
            if (pending.isEmpty() && key != null && key.isValid()) {
                key.interestOpsAnd(~SelectionKey.OP_WRITE);
            }
        }
        if (sent.isEmpty() && failed.isEmpty()) {
            return;
        }
        Runnable callbacks = () -> {
            sent.forEach(RawData::onSent);
            for (int i = 0; i < failed.size(); i++) {
                failed.get(i).message().onError(errors.get(i));
            }
        };
        if (!transport.dispatch(callbacks)) {
            callbacks.run(); // workers saturated: rather late on this thread than never
        }
    }

    /** Selector thread: turn on OP_WRITE when sends wait. */
    void enableWriteInterest() {
        synchronized (sendLock) {
            if (running && !pending.isEmpty() && key != null && key.isValid()) {
                key.interestOpsOr(SelectionKey.OP_WRITE);
            }
        }
    }

    /** Selector thread: one datagram is in the buffer (position 0, limit its length). */
    void received(ByteBuffer datagram, InetSocketAddress from, long nanoTimestamp) {
        if (!running) {
            return;
        }
        RawData raw = toRawData(datagram.remaining(), from, nanoTimestamp, bytes -> datagram.get(bytes));
        if (raw != null && !transport.dispatch(() -> deliver(raw))) {
            transport.countDropped();
            LOG.debug("{} dropped a datagram from {}: workers saturated", this, StringUtil.toLog(from));
        }
    }

    /**
     * Converts the datagram into {@link RawData} and hands it to the receiver on the calling thread, as
     * Californium's {@code UDPConnector} does.
     */
    @Override
    public void processDatagram(DatagramPacket datagram) {
        InetSocketAddress from = new InetSocketAddress(datagram.getAddress(), datagram.getPort());
        RawData raw = toRawData(datagram.getLength(), from, ClockUtil.nanoRealtime(), bytes -> System.arraycopy(
                datagram.getData(), datagram.getOffset(), bytes, 0, datagram.getLength()));
        if (raw != null) {
            deliver(raw);
        }
    }

    private interface Copier {
        void copyInto(byte[] bytes);
    }

    private RawData toRawData(int length, InetSocketAddress from, long nanoTimestamp, Copier copier) {
        if (from.getPort() == 0) {
            LOG.trace("{} discards {} bytes from {} without source port", this, length, StringUtil.toLog(from));
            return null;
        }
        if (length > datagramSize) {
            LOG.debug("{} discards a datagram of {} bytes from {}: more than {}", this, length,
                    StringUtil.toLog(from), datagramSize);
            return null;
        }
        if (receiver == null) {
            LOG.debug("{} discards a datagram from {}: no receiver", this, StringUtil.toLog(from));
            return null;
        }
        byte[] bytes = new byte[length];
        copier.copyInto(bytes);
        return RawData.inbound(bytes, new UdpEndpointContext(from), false, nanoTimestamp, effectiveAddress);
    }

    private void deliver(RawData raw) {
        RawDataChannel target = receiver;
        if (target == null) {
            return;
        }
        try {
            target.receiveData(raw);
        } catch (RuntimeException e) {
            LOG.warn("{}: the receiver refused a datagram from {}", this, raw.getEndpointContext(), e);
        }
    }

    @Override
    public void setRawDataReceiver(RawDataChannel receiver) {
        this.receiver = receiver;
    }

    @Override
    public void setEndpointContextMatcher(EndpointContextMatcher matcher) {
        this.endpointContextMatcher = matcher;
    }

    /** The bound address while running (and after a stop); the configured one before the first start. */
    @Override
    public InetSocketAddress getAddress() {
        return effectiveAddress;
    }

    @Override
    public String getProtocol() {
        return "UDP";
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Sends waiting for room in the socket buffer. */
    public int pendingSends() {
        synchronized (sendLock) {
            return pending.size();
        }
    }

    public int getDatagramSize() {
        return datagramSize;
    }

    @Override
    public String toString() {
        return getProtocol() + "-" + StringUtil.toString(getAddress());
    }

    private static InterruptedIOException notRunning() {
        return new InterruptedIOException("Connector is not running.");
    }
}
