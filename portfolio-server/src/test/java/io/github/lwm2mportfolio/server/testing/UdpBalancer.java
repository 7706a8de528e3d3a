package io.github.lwm2mportfolio.server.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A UDP load balancer on loopback for tests of several server nodes: each client's datagrams go to the node it
 * is sent to now, from a socket of the balancer's own for that client (so a node sees one address per client,
 * as behind a real balancer), and what a node sends to that socket goes back to the client. {@link #sendTo}
 * moves every client to another node, as a balancer does when a node stops answering its health checks.
 */
public final class UdpBalancer implements AutoCloseable {

    private static final int MAX_DATAGRAM = 2048;

    private final DatagramSocket front;
    private final Map<SocketAddress, DatagramSocket> perClient = new ConcurrentHashMap<>();
    private volatile InetSocketAddress target;

    public UdpBalancer(InetSocketAddress target) throws SocketException {
        this.target = target;
        this.front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        daemon(this::fromClients, "balancer-front").start();
    }

    /** The port the clients send to. */
    public int port() {
        return front.getLocalPort();
    }

    /** From now on, every client's datagrams go to this node. */
    public void sendTo(InetSocketAddress node) {
        this.target = node;
    }

    private void fromClients() {
        DatagramPacket packet = new DatagramPacket(new byte[MAX_DATAGRAM], MAX_DATAGRAM);
        while (!front.isClosed()) {
            try {
                front.receive(packet);
                DatagramSocket back = perClient.computeIfAbsent(packet.getSocketAddress(), this::openBack);
                back.send(new DatagramPacket(packet.getData(), packet.getOffset(), packet.getLength(), target));
            } catch (IOException | IllegalStateException e) {
                if (front.isClosed()) {
                    return;
                }
                // one datagram lost, as UDP may lose it
            }
        }
    }

    private DatagramSocket openBack(SocketAddress client) {
        try {
            DatagramSocket back = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            daemon(() -> toClient(back, client), "balancer-back").start();
            return back;
        } catch (SocketException e) {
            throw new IllegalStateException(e);
        }
    }

    private void toClient(DatagramSocket back, SocketAddress client) {
        DatagramPacket packet = new DatagramPacket(new byte[MAX_DATAGRAM], MAX_DATAGRAM);
        while (!back.isClosed()) {
            try {
                back.receive(packet);
                front.send(new DatagramPacket(packet.getData(), packet.getOffset(), packet.getLength(), client));
            } catch (IOException e) {
                if (back.isClosed()) {
                    return;
                }
            }
        }
    }

    private static Thread daemon(Runnable work, String name) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() {
        front.close();
        perClient.values().forEach(DatagramSocket::close);
    }
}
