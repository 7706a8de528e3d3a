package io.github.lwm2mportfolio.server.e2e;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A NAT, or a load balancer, between one device and the server nodes, on loopback: the device sends to
 * {@link #address()}; the relay sends on from an outside port of its own and brings the answers back.
 * {@link #rebind} gives the device a new outside port, as a NAT does after an idle while; {@link #sendTo} sends its
 * datagrams to another node from then on, as a balancer routing by source address does after a rebinding; with
 * {@link #routeByCid} a record carrying a DTLS Connection ID goes to the node its first byte names instead. It
 * counts the ClientHellos the device sends (new handshakes).
 */
final class NatRelay implements AutoCloseable {

    /** DTLS record: content type 22 (handshake), epoch 0, and handshake type 1 (ClientHello) after the 13 bytes. */
    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int RECORD_HEADER = 13;
    /** RFC 9146: content type tls12_cid, and the CID after type, version, epoch and sequence number. */
    private static final int TLS12_CID = 25;
    private static final int CID_OFFSET = 11;

    private final DatagramSocket inside;
    private final AtomicInteger clientHellos = new AtomicInteger();
    private volatile InetSocketAddress device;
    private volatile Outside outside;
    private volatile InetSocketAddress server;
    private volatile Map<Integer, InetSocketAddress> nodesById = Map.of();
    private volatile boolean closed;

    NatRelay(InetSocketAddress server) throws SocketException {
        this.server = server;
        inside = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        outside = new Outside();
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
        sendTo(server);
    }

    /** From now on the device's datagrams go to this server (node), from another outside port. */
    void sendTo(InetSocketAddress next) throws SocketException {
        Outside old = outside;
        server = next;
        outside = new Outside();
        old.socket.close();
    }

    /** From now on a record with a Connection ID goes to the node its first byte names, when it is one of these. */
    void routeByCid(Map<Integer, InetSocketAddress> nodes) {
        this.nodesById = Map.copyOf(nodes);
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
                outside.socket.send(new DatagramPacket(data, data.length, destination(data)));
            } catch (IOException e) {
                // closed, or the outside port just changed: the device retransmits
            }
        }
    }

    private InetSocketAddress destination(byte[] record) {
        if (record.length > CID_OFFSET && record[0] == TLS12_CID) {
            return nodesById.getOrDefault(record[CID_OFFSET] & 0xff, server);
        }
        return server;
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

    /** One outside port; answers arriving on it, from any node, go back to the device. */
    private final class Outside {
        final DatagramSocket socket;

        Outside() throws SocketException {
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
