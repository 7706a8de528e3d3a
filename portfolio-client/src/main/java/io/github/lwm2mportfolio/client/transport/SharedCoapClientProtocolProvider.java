package io.github.lwm2mportfolio.client.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.core.network.EndpointObserver;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.util.ProtocolScheduledExecutorService;
import org.eclipse.leshan.client.endpoint.ClientEndpointToolbox;
import org.eclipse.leshan.client.servers.ServerInfo;
import org.eclipse.leshan.transport.californium.client.endpoint.CaliforniumClientEndpointFactory;
import org.eclipse.leshan.transport.californium.client.endpoint.CaliforniumClientEndpointsProvider;
import org.eclipse.leshan.transport.californium.client.endpoint.coap.CoapClientEndpointFactory;
import org.eclipse.leshan.transport.californium.client.endpoint.coap.CoapClientProtocolProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leshan's plain CoAP protocol ({@code coap://}) with the client's Californium endpoint on a
 * {@link SharedUdpConnector} of the given {@link SharedUdpTransport} instead of a {@code UDPConnector} (which has a
 * receiver and a sender thread of its own). Configuration defaults are Leshan's ({@link CoapClientProtocolProvider}).
 * <p>
 * Use it in place of {@link CoapClientProtocolProvider}:
 *
 * <pre>
 * CaliforniumClientEndpointsProvider endpoints = new CaliforniumClientEndpointsProvider.Builder(
 *         new SharedCoapClientProtocolProvider(transport, coapExecutor)).build();
 * LeshanClient client = new LeshanClientBuilder(endpoint).setObjects(objects).setEndpointsProviders(endpoints)
 *         .setSharedExecutor(leshanExecutor).build();
 * SharedCoapClientProtocolProvider.shareCoapServerExecutor(endpoints, coapExecutor);
 * </pre>
 *
 * The last line matters: Leshan gives every client its own Californium {@link CoapServer}, which on start creates
 * a protocol thread pool of its own (3 threads in Californium 4.0.0-M6) unless it already has an executor, and the
 * server only exists once the {@code LeshanClient} is built. The executor given here is also set on each endpoint it
 * creates; a warning is logged (once per provider) when an endpoint starts on another executor.
 */
public class SharedCoapClientProtocolProvider extends CoapClientProtocolProvider {

    private static final Logger LOG = LoggerFactory.getLogger(SharedCoapClientProtocolProvider.class);

    private final SharedUdpTransport transport;
    private final ProtocolScheduledExecutorService coapExecutor;
    private final AtomicBoolean warned = new AtomicBoolean();

    /** Connectors on the shared transport; Californium's executor is left to the caller. */
    public SharedCoapClientProtocolProvider(SharedUdpTransport transport) {
        this(transport, null);
    }

    /**
     * @param transport where the clients' connectors live
     * @param coapExecutor Californium's protocol executor shared by the clients' endpoints (for example
     *        {@code ExecutorsUtil.newProtocolScheduledThreadPool(2, new NamedThreadFactory("coap#"))}), or
     *        {@code null} to leave it to the CoapServer
     */
    public SharedCoapClientProtocolProvider(SharedUdpTransport transport, ProtocolScheduledExecutorService coapExecutor) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.coapExecutor = coapExecutor;
    }

    /**
     * Gives the client's Californium {@link CoapServer} the shared executor, detached so that destroying the client
     * does not shut it down. Call it after {@code LeshanClientBuilder.build()} (which creates the server) and
     * before the client starts.
     */
    public static void shareCoapServerExecutor(CaliforniumClientEndpointsProvider endpoints,
            ProtocolScheduledExecutorService executor) {
        Objects.requireNonNull(executor, "executor");
        CoapServer server = endpoints.getCoapServer();
        if (server == null) {
            throw new IllegalStateException(
                    "no CoapServer yet: build the LeshanClient with these endpoints first (its constructor creates it)");
        }
        server.setExecutor(executor, true);
    }

    public SharedUdpTransport transport() {
        return transport;
    }

    @Override
    public CaliforniumClientEndpointFactory createDefaultEndpointFactory() {
        return new CoapClientEndpointFactory() {

            @Override
            public String getEndpointDescription() {
                return "CoAP over UDP endpoint based on Californium library, on a shared selector transport";
            }

            @Override
            protected Connector createConnector(InetSocketAddress address, Configuration coapConfig) {
                return transport.newConnector(address, coapConfig);
            }

            @Override
            public CoapEndpoint createCoapEndpoint(InetAddress clientAddress, Configuration defaultConfiguration,
                    ServerInfo serverInfo, boolean clientInitiatedOnly, List<Certificate> trustStore,
                    ClientEndpointToolbox toolbox) {
                CoapEndpoint endpoint = super.createCoapEndpoint(clientAddress, defaultConfiguration, serverInfo,
                        clientInitiatedOnly, trustStore, toolbox);
                if (coapExecutor != null) {
                    endpoint.setExecutor(coapExecutor);
                    endpoint.addObserver(new EndpointObserver() {
                        @Override
                        public void started(Endpoint started) {
                            if (started.getExecutor() != coapExecutor && warned.compareAndSet(false, true)) {
                                LOG.warn("{} runs on an executor of its own: call "
                                        + "SharedCoapClientProtocolProvider.shareCoapServerExecutor(...) after "
                                        + "building the LeshanClient", started.getAddress());
                            }
                        }
                    });
                }
                return endpoint;
            }
        };
    }
}
