package io.github.lwm2mportfolio.client.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.MessageCallback;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.UdpEndpointContext;
import org.eclipse.californium.elements.UdpEndpointContextMatcher;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.elements.exception.EndpointMismatchException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SharedUdpConnectorTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    private SharedUdpTransport transport(String name) throws IOException {
        return track(SharedUdpTransport.builder().name(name).build());
    }

    private DatagramSocket peer() throws SocketException {
        DatagramSocket socket = track(new DatagramSocket(new InetSocketAddress(LOOPBACK, 0)));
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    private static InetSocketAddress anyLoopbackPort() {
        return new InetSocketAddress(LOOPBACK, 0);
    }

    /** Records the callbacks of one outbound message. */
    private static final class Callback implements MessageCallback {
        final CountDownLatch done = new CountDownLatch(1);
        volatile EndpointContext context;
        volatile boolean sent;
        volatile Throwable error;
        volatile String thread;

        @Override
        public void onConnecting() {
        }

        @Override
        public void onDtlsRetransmission(int flight) {
        }

        @Override
        public void onContextEstablished(EndpointContext context) {
            this.context = context;
        }

        @Override
        public void onSent() {
            sent = true;
            thread = Thread.currentThread().getName();
            done.countDown();
        }

        @Override
        public void onError(Throwable error) {
            this.error = error;
            thread = Thread.currentThread().getName();
            done.countDown();
        }

        Callback await() throws InterruptedException {
            assertThat(done.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("a callback").isTrue();
            return this;
        }
    }

    private static RawData outbound(String text, InetSocketAddress to, Callback callback) {
        return outbound(text.getBytes(StandardCharsets.UTF_8), to, callback);
    }

    private static RawData outbound(byte[] bytes, InetSocketAddress to, Callback callback) {
        return RawData.outbound(bytes, new UdpEndpointContext(to), callback, false);
    }

    private static String receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }

    private static void sendTo(DatagramSocket socket, InetSocketAddress to, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, to));
    }

    private static boolean portIsFree(int port) {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
            return true;
        } catch (SocketException e) {
            return false;
        }
    }

    @Test
    void round_trips_datagrams_with_a_plain_socket() throws Exception {
        SharedUdpTransport transport = transport("rt");
        SharedUdpConnector connector = transport.newConnector(anyLoopbackPort());
        BlockingQueue<RawData> received = new LinkedBlockingQueue<>();
        List<String> receiverThreads = new ArrayList<>();
        connector.setRawDataReceiver(raw -> {
            synchronized (receiverThreads) {
                receiverThreads.add(Thread.currentThread().getName());
            }
            received.add(raw);
        });
        assertThat(connector.isRunning()).isFalse();
        connector.start();
        assertThat(connector.isRunning()).isTrue();
        assertThat(connector.getProtocol()).isEqualTo("UDP");
        InetSocketAddress address = connector.getAddress();
        assertThat(address.getAddress()).isEqualTo(LOOPBACK);
        assertThat(address.getPort()).isPositive();
        assertThat(connector.toString()).isEqualTo("UDP-" + LOOPBACK.getHostAddress() + ":" + address.getPort());
        assertThat(transport.runningConnectors()).isEqualTo(1);

        DatagramSocket peer = peer();
        InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
        for (int i = 0; i < 50; i++) {
            sendTo(peer, address, "ping " + i);
            RawData raw = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(raw).as("datagram " + i).isNotNull();
            assertThat(new String(raw.getBytes(), StandardCharsets.UTF_8)).isEqualTo("ping " + i);
            assertThat(raw.getInetSocketAddress()).isEqualTo(peerAddress);
            assertThat(raw.getEndpointContext()).isInstanceOf(UdpEndpointContext.class);
            assertThat(raw.getConnectorAddress()).isEqualTo(address);
            assertThat(raw.isMulticast()).isFalse();
            assertThat(raw.getReceiveNanoTimestamp()).isPositive();

            Callback callback = new Callback();
            connector.send(outbound("pong " + i, peerAddress, callback));
            DatagramPacket answer = new DatagramPacket(new byte[100], 100);
            peer.receive(answer);
            assertThat(new String(answer.getData(), 0, answer.getLength(), StandardCharsets.UTF_8))
                    .isEqualTo("pong " + i);
            assertThat(answer.getSocketAddress()).isEqualTo(address);
            callback.await();
            assertThat(callback.sent).isTrue();
            assertThat(callback.error).isNull();
            assertThat(callback.context).isInstanceOf(UdpEndpointContext.class);
            assertThat(callback.context.getPeerAddress()).isEqualTo(peerAddress);
        }
        // Receivers run on the transport's workers, never on the selector thread.
        assertThat(receiverThreads).allMatch(name -> name.startsWith("rt-worker-"));
    }

    @Test
    void reports_errors_to_the_callbacks() throws Exception {
        SharedUdpTransport transport = transport("err");
        SharedUdpConnector connector = transport.newConnector(anyLoopbackPort());
        InetSocketAddress peer = (InetSocketAddress) peer().getLocalSocketAddress();

        Callback notStarted = new Callback();
        connector.send(outbound("x", peer, notStarted));
        assertThat(notStarted.await().error).isInstanceOf(InterruptedIOException.class)
                .hasMessage("Connector is not running.");
        assertThat(notStarted.sent).isFalse();

        connector.start();

        Callback portZero = new Callback();
        connector.send(outbound("x", new InetSocketAddress(LOOPBACK, 0), portZero));
        assertThat(portZero.await().error).isInstanceOf(IOException.class).hasMessageContaining("destination port 0");

        Callback tooLarge = new Callback();
        connector.send(outbound(new byte[70_000], peer, tooLarge));
        assertThat(tooLarge.await().error).isInstanceOf(IOException.class);
        assertThat(tooLarge.context).as("the context was established before the socket refused").isNotNull();
        assertThat(tooLarge.sent).isFalse();

        Callback wrongFamily = new Callback();
        connector.send(outbound("x", new InetSocketAddress(InetAddress.getByName("::1"), 5683), wrongFamily));
        assertThat(wrongFamily.await().error).isInstanceOf(UnsupportedAddressTypeException.class);

        connector.setEndpointContextMatcher(new UdpEndpointContextMatcher() {
            @Override
            public boolean isToBeSent(EndpointContext messageContext, EndpointContext connectorContext) {
                return false;
            }
        });
        Callback refused = new Callback();
        connector.send(outbound("x", peer, refused));
        assertThat(refused.await().error).isInstanceOf(EndpointMismatchException.class);
        assertThat(refused.context).as("no context for a refused destination").isNull();

        connector.setEndpointContextMatcher(new UdpEndpointContextMatcher());
        Callback fine = new Callback();
        connector.send(outbound("x", peer, fine));
        assertThat(fine.await().sent).isTrue();

        connector.stop();
        Callback stopped = new Callback();
        connector.send(outbound("x", peer, stopped));
        assertThat(stopped.await().error).isInstanceOf(InterruptedIOException.class);
    }

    @Test
    void stop_and_destroy_release_the_port_and_are_idempotent() throws Exception {
        SharedUdpTransport transport = transport("life");
        SharedUdpConnector connector = transport.newConnector(anyLoopbackPort());
        assertThat(connector.getAddress().getPort()).as("before start: the configured address").isZero();
        connector.start();
        int port = connector.getAddress().getPort();
        connector.start();
        assertThat(connector.getAddress().getPort()).as("a second start changes nothing").isEqualTo(port);
        assertThat(portIsFree(port)).isFalse();

        connector.stop();
        assertThat(connector.isRunning()).isFalse();
        assertThat(transport.runningConnectors()).isZero();
        assertThat(portIsFree(port)).as("port released on stop").isTrue();
        connector.stop();

        connector.start(); // a stopped connector starts again
        int second = connector.getAddress().getPort();
        assertThat(connector.isRunning()).isTrue();
        assertThat(portIsFree(second)).isFalse();

        connector.destroy();
        assertThat(connector.isRunning()).isFalse();
        assertThat(portIsFree(second)).as("port released on destroy").isTrue();
        connector.destroy();
        connector.stop();
        assertThatThrownBy(connector::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void binds_the_given_port_and_reports_a_port_in_use() throws Exception {
        SharedUdpTransport transport = transport("bind");
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            port = probe.getLocalPort();
        }
        SharedUdpConnector connector = transport.newConnector(new InetSocketAddress(LOOPBACK, port));
        connector.start();
        assertThat(connector.getAddress()).isEqualTo(new InetSocketAddress(LOOPBACK, port));

        SharedUdpConnector clash = transport.newConnector(new InetSocketAddress(LOOPBACK, port));
        assertThatThrownBy(clash::start).isInstanceOf(BindException.class);
        assertThat(clash.isRunning()).isFalse();
        assertThat(transport.runningConnectors()).isEqualTo(1);
        connector.destroy();
        clash.start(); // the port is free now
        assertThat(clash.getAddress().getPort()).isEqualTo(port);
        clash.destroy();
    }

    @Test
    void a_connector_without_address_binds_the_wildcard() throws Exception {
        SharedUdpTransport transport = transport("any");
        SharedUdpConnector connector = transport.newConnector(null);
        BlockingQueue<RawData> received = new LinkedBlockingQueue<>();
        connector.setRawDataReceiver(received::add);
        connector.start();
        assertThat(connector.getAddress().getAddress().isAnyLocalAddress()).isTrue();
        int port = connector.getAddress().getPort();
        DatagramSocket peer = peer();
        sendTo(peer, new InetSocketAddress(LOOPBACK, port), "to any");
        RawData raw = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(raw).isNotNull();
        assertThat(raw.getInetSocketAddress().getPort()).isEqualTo(peer.getLocalPort());
        Callback callback = new Callback();
        connector.send(outbound("back", raw.getInetSocketAddress(), callback));
        assertThat(receive(peer)).isEqualTo("back");
        assertThat(callback.await().sent).isTrue();
        connector.destroy();
    }

    @Test
    void drops_datagrams_larger_than_the_configured_size_and_delivers_process_datagram_on_the_caller() throws Exception {
        SharedUdpTransport transport = transport("size");
        Configuration configuration = new Configuration(UdpConfig.DEFINITIONS).set(UdpConfig.UDP_DATAGRAM_SIZE, 100);
        SharedUdpConnector connector = transport.newConnector(anyLoopbackPort(), configuration);
        assertThat(connector.getDatagramSize()).isEqualTo(100);
        BlockingQueue<RawData> received = new LinkedBlockingQueue<>();
        connector.setRawDataReceiver(received::add);
        connector.start();
        DatagramSocket peer = peer();
        sendTo(peer, connector.getAddress(), "x".repeat(101));
        sendTo(peer, connector.getAddress(), "y".repeat(100));
        RawData raw = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(raw).isNotNull();
        assertThat(new String(raw.getBytes(), StandardCharsets.UTF_8)).isEqualTo("y".repeat(100));

        byte[] bytes = "direct".getBytes(StandardCharsets.UTF_8);
        connector.processDatagram(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(LOOPBACK, 4711)));
        RawData direct = received.poll();
        assertThat(direct).as("processDatagram delivers before it returns").isNotNull();
        assertThat(direct.getInetSocketAddress()).isEqualTo(new InetSocketAddress(LOOPBACK, 4711));
        connector.processDatagram(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(LOOPBACK, 0)));
        assertThat(received.poll()).as("no source port: discarded").isNull();
        assertThat(received).isEmpty();
    }

    @Test
    void queues_sends_while_the_socket_buffer_is_full_and_flushes_them_in_order() throws Exception {
        AtomicInteger refusals = new AtomicInteger(3);
        SharedUdpTransport transport = track(SharedUdpTransport.builder().name("full")
                .sender((channel, datagram, target) -> refusals.getAndDecrement() > 0 ? 0
                        : channel.send(datagram, target))
                .build());
        SharedUdpConnector connector = transport.newConnector(anyLoopbackPort());
        connector.start();
        DatagramSocket peer = peer();
        InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();

        List<Callback> callbacks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Callback callback = new Callback();
            callbacks.add(callback);
            connector.send(outbound("message " + i, peerAddress, callback));
        }
        for (int i = 0; i < 10; i++) {
            assertThat(receive(peer)).isEqualTo("message " + i);
        }
        for (Callback callback : callbacks) {
            assertThat(callback.await().sent).isTrue();
            assertThat(callback.context).isNotNull();
        }
        assertThat(callbacks.get(0).thread).as("flushed sends report from a worker").startsWith("full-worker-");
        assertThat(connector.pendingSends()).isZero();
    }

    @Test
    void fails_sends_beyond_the_pending_limit_and_queued_sends_on_stop() throws Exception {
        AtomicBoolean full = new AtomicBoolean(true);
        SharedUdpTransport transport = track(SharedUdpTransport.builder().name("limit").maxPendingSendsPerConnector(2)
                .sender((channel, datagram, target) -> full.get() ? 0 : channel.send(datagram, target)).build());
        SharedUdpConnector connector = transport.newConnector(anyLoopbackPort());
        connector.start();
        DatagramSocket peer = peer();
        InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();

        Callback first = new Callback();
        Callback second = new Callback();
        Callback third = new Callback();
        connector.send(outbound("1", peerAddress, first));
        connector.send(outbound("2", peerAddress, second));
        connector.send(outbound("3", peerAddress, third));
        assertThat(third.await().error).isInstanceOf(InterruptedIOException.class)
                .hasMessage("Connector overloaded.");
        assertThat(connector.pendingSends()).isEqualTo(2);
        full.set(false);
        assertThat(receive(peer)).isEqualTo("1");
        assertThat(receive(peer)).isEqualTo("2");
        assertThat(first.await().sent).isTrue();
        assertThat(second.await().sent).isTrue();

        full.set(true);
        Callback queued = new Callback();
        connector.send(outbound("4", peerAddress, queued));
        assertThat(connector.pendingSends()).isEqualTo(1);
        connector.stop();
        assertThat(queued.await().error).isInstanceOf(InterruptedIOException.class)
                .hasMessage("Connector is not running.");
    }

    @Test
    void drops_and_counts_datagrams_when_the_workers_are_saturated() throws Exception {
        SharedUdpTransport transport = track(
                SharedUdpTransport.builder().name("busy").workerThreads(1).workerQueueCapacity(1).build());
        SharedUdpConnector connector = transport.newConnector(anyLoopbackPort());
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        AtomicInteger delivered = new AtomicInteger();
        connector.setRawDataReceiver(raw -> {
            delivered.incrementAndGet();
            blocked.countDown();
            try {
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        connector.start();
        DatagramSocket peer = peer();
        sendTo(peer, connector.getAddress(), "first");
        assertThat(blocked.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        for (int i = 0; i < 5; i++) {
            sendTo(peer, connector.getAddress(), "more " + i);
        }
        await().atMost(WAIT).until(() -> transport.droppedDatagrams() == 4);
        release.countDown();
        await().atMost(WAIT).until(() -> delivered.get() == 2);
    }

    @Test
    void closing_the_transport_stops_its_connectors_and_threads() throws Exception {
        SharedUdpTransport transport = SharedUdpTransport.builder().name("closing").build();
        List<SharedUdpConnector> connectors = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SharedUdpConnector connector = transport.newConnector(anyLoopbackPort());
            connector.setRawDataReceiver(raw -> {
            });
            connector.start();
            connectors.add(connector);
        }
        SharedUdpConnector notStarted = transport.newConnector(anyLoopbackPort());
        // wake a worker so that the pool has threads to stop
        sendTo(peer(), connectors.get(0).getAddress(), "hello");
        await().atMost(WAIT).until(() -> liveThreads("closing-") >= 2);

        transport.close();
        transport.close();
        assertThat(transport.isOpen()).isFalse();
        for (SharedUdpConnector connector : connectors) {
            assertThat(connector.isRunning()).isFalse();
            assertThat(portIsFree(connector.getAddress().getPort())).isTrue();
        }
        // a pool reports termination just before its last worker thread has quite ended
        await().atMost(WAIT).until(() -> liveThreads("closing-") == 0);
        assertThatThrownBy(notStarted::start).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThat(notStarted.isRunning()).isFalse();
        assertThatThrownBy(() -> transport.newConnector(anyLoopbackPort())).isInstanceOf(IllegalStateException.class);
        connectors.get(0).stop(); // after the transport: still harmless
        connectors.get(0).destroy();
    }

    static long liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith(prefix)).count();
    }
}
