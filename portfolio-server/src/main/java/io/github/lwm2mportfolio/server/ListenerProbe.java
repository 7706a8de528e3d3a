package io.github.lwm2mportfolio.server;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks before anything is made (data directory, identity, inventory, admin token) that the listeners' ports
 * can be bound, by binding each one and letting it go: a server that cannot listen stops without leaving a first
 * start's data behind. A port taken in between is still found by the start itself.
 */
public final class ListenerProbe {

    private ListenerProbe() {
    }

    /**
     * @param coapPort 0 or -1 (any port, or off) are not probed; likewise the others
     * @throws ListenerUnavailableException for the first port that cannot be bound
     */
    public static void check(String bindHost, int coapPort, int coapsPort, String httpHost, int httpPort) {
        udp("CoAP", bindHost, coapPort);
        udp("CoAPs", bindHost, coapsPort);
        if (httpPort > 0) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(httpHost), httpPort));
            } catch (IOException e) {
                throw new ListenerUnavailableException("REST API", httpHost, httpPort, e);
            }
        }
    }

    private static void udp(String listener, String host, int port) {
        if (port <= 0) {
            return;
        }
        try (DatagramSocket socket = new DatagramSocket(null)) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new ListenerUnavailableException(listener, host, port, e);
        }
    }
}
