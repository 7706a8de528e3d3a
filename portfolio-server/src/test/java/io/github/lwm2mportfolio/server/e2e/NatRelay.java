package io.github.lwm2mportfolio.server.e2e;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A NAT (or a load balancer that routes by source address) between one device and the server, on loopback: the
 * device sends to {@link #address()}; the relay sends on from an outside port of its own and brings the answers back.
 * {@link #rebind} gives the device a new outside port, as a NAT does after an idle while; {@link #sendTo} sends its
 * datagrams to another server node from then on. It counts the ClientHellos the device sends (new handshakes).
 */
final class NatRelay implements AutoCloseable {

    /** DTLS record: content type 22 (handshake), epoch 0, and handshake type 1 (ClientHello) after the 13 bytes. */
    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int RECORD_HEADER = 13;

    private final DatagramSocket inside;
    private final AtomicInteger clientHellos = new AtomicInteger();
    private volatile InetSocketAddress device;
    private volatile Outside outside;
    private volatile boolean closed;

    NatRelay(InetSocketAddress server) throws SocketException {
        inside = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        outside = new Outside(server);
        Thread thread = new Thread(this::relayFromDevice, "nat-relay-inside");
        thread.setDaemon(true);
        thread.start();
    }

    /** Where the device sends (its server URI's address). */
    InetSocketAddress address() {
        return (InetSocketAddress) inside.getLocalSocketAddress();
    }

    /** The address the server sees the device at now. */
    InetSocketAddress outsideAddress() {
        return outside.address();
    }

    int clientHellos() {
        return clientHellos.get();
    }

    /** From now on the device's datagrams leave from another port; answers to the old one are lost. */
    void rebind() throws SocketException {
        sendTo(outside.server);
    }

    /** From now on the device's datagrams go to this server (node), from another outside port. */
    void sendTo(InetSocketAddress server) throws SocketException {
        Outside old = outside;
        outside = new Outside(server);
        old.socket.close();
    }

    private void relayFromDevice() {
        byte[] buffer = new byte[2048];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                inside.receive(packet);
                device = (InetSocketAddress) packet.getSocketAddress();
                byte[] data = Arrays.copyOfRange(packet.getData(), packet.getOffset(), packet.getLength());
                if (isClientHello(data)) {
                    clientHellos.incrementAndGet();
                }
                Outside current = outside;
                current.socket.send(new DatagramPacket(data, data.length, current.server));
            } catch (IOException e) {
                // closed, or the outside port just changed: the device retransmits
            }
        }
    }

    private static boolean isClientHello(byte[] record) {
        return record.length > RECORD_HEADER && record[0] == HANDSHAKE && record[3] == 0 && record[4] == 0
                && record[RECORD_HEADER] == CLIENT_HELLO;
    }

    @Override
    public void close() {
        closed = true;
        inside.close();
        outside.socket.close();
    }

    /** One outside port and the server it sends to; answers arriving on it go back to the device. */
    private final class Outside {
        final DatagramSocket socket;
        final InetSocketAddress server;

        Outside(InetSocketAddress server) throws SocketException {
            this.server = server;
            this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread thread = new Thread(this::relayToDevice, "nat-relay-outside-" + socket.getLocalPort());
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        private void relayToDevice() {
            byte[] buffer = new byte[2048];
            while (!socket.isClosed()) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                    if (device != null) {
                        inside.send(new DatagramPacket(packet.getData(), packet.getOffset(), packet.getLength(),
                                device));
                    }
                } catch (IOException e) {
                    // closed: this outside port is gone
                }
            }
        }
    }
}
