package io.github.lwm2mportfolio.cli.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.UnaryOperator;

import org.eclipse.leshan.core.endpoint.Protocol;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpointsProvider;
import org.eclipse.leshan.transport.californium.server.endpoint.coap.CoapServerProtocolProvider;

/** A bench server on bare Leshan: its in-memory registration store, plain CoAP on a free loopback port. */
abstract class LeshanBenchServer implements BenchServer {

    protected final LeshanServer server;

    /** @param customize what the server adds to Leshan as it comes (models, for instance) */
    LeshanBenchServer(UnaryOperator<LeshanServerBuilder> customize) {
        CaliforniumServerEndpointsProvider endpoints = new CaliforniumServerEndpointsProvider.Builder(
                new CoapServerProtocolProvider())
                .addEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Protocol.COAP).build();
        server = customize.apply(new LeshanServerBuilder().setEndpointsProviders(endpoints)).build();
    }

    @Override
    public String start() {
        server.start();
        return server.getEndpoint(Protocol.COAP).getURI().toString();
    }

    @Override
    public void close() {
        server.destroy();
    }
}
