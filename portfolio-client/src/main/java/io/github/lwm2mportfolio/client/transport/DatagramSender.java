package io.github.lwm2mportfolio.client.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * How a datagram leaves a non-blocking channel: {@link DatagramChannel#send} in production. Tests replace it to
 * simulate a full socket buffer (a send that returns 0), which loopback never produces on demand.
 */
@FunctionalInterface
interface DatagramSender {

    DatagramSender CHANNEL = DatagramChannel::send;

    /** @return the number of bytes sent, 0 when the socket buffer has no room for the datagram */
    int send(DatagramChannel channel, ByteBuffer datagram, InetSocketAddress target) throws IOException;
}
