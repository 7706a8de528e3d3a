package io.github.lwm2mportfolio.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A port that cannot be bound stops the start, names the listener and its port, and leaves nothing bound. */
class ListenerPortsTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    private PortfolioServer.Builder builder() {
        return PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(0)
                .dataDirectory(dir.resolve("data"));
    }

    @Test
    void a_coap_port_in_use_stops_the_start_and_frees_the_other_ports() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            int port = taken.getLocalPort();
            int coapsPort;
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
                coapsPort = probe.getLocalPort();
            }
            PortfolioServer server = builder().coapPort(port).coapsPort(coapsPort).build();

            assertThatThrownBy(server::start).isInstanceOf(ListenerUnavailableException.class)
                    .hasMessageStartingWith("CoAP port " + port + " on 127.0.0.1 cannot be bound");
            try (DatagramSocket coaps = new DatagramSocket(new InetSocketAddress(LOOPBACK, coapsPort))) {
                assertThat(coaps.isBound()).as("CoAPs port released").isTrue();
            }
            server.close(); // a second close is harmless
        }
    }

    @Test
    void a_coaps_port_in_use_is_named_as_coaps() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
                PortfolioServer server = builder().coapsPort(taken.getLocalPort()).build()) {
            assertThatThrownBy(server::start).isInstanceOf(ListenerUnavailableException.class)
                    .hasMessageStartingWith("CoAPs port " + taken.getLocalPort() + " on 127.0.0.1");
        }
    }

    @Test
    void an_http_port_in_use_stops_the_start_and_frees_the_coap_ports() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            int coapPort;
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
                coapPort = probe.getLocalPort();
            }
            PortfolioServer server = builder().coapPort(coapPort).httpPort(taken.getLocalPort()).build();

            assertThatThrownBy(server::start).isInstanceOf(ListenerUnavailableException.class)
                    .hasMessageStartingWith("REST API port " + taken.getLocalPort() + " on 127.0.0.1");
            try (DatagramSocket coap = new DatagramSocket(new InetSocketAddress(LOOPBACK, coapPort))) {
                assertThat(coap.isBound()).as("CoAP port released").isTrue();
            }
        }
    }
}
