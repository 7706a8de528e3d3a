package io.github.lwm2mportfolio.server.registration;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.exception.ConnectorException;

/**
 * Registrations sent by hand from one socket, as a flood would send them: no LwM2M client behind them, so that a
 * server that asks these "devices" anything gets no answer once {@link #close()} closed the socket.
 */
public final class RawRegistrations implements AutoCloseable {

    private final URI server;
    private final CoapEndpoint endpoint;

    public RawRegistrations(String serverCoapUri, InetAddress bind) {
        this.server = URI.create(serverCoapUri);
        this.endpoint = CoapEndpoint.builder().setInetSocketAddress(new InetSocketAddress(bind, 0))
                .setConfiguration(Configuration.createStandardWithoutFile()).build();
    }

    /** POST /rd?ep=...&lt=...&lwm2m=1.1&b=U with these object links; lifetime null: none given. */
    public CoapResponse register(String endpointName, String lifetime, String links) {
        String query = "ep=" + endpointName + "&lwm2m=1.1&b=U" + (lifetime == null ? "" : "&lt=" + lifetime);
        return post(server.resolve("/rd?" + query), links);
    }

    /** POST to a registration's location (an Update), with this lifetime. */
    public CoapResponse update(String location, String lifetime) {
        return post(server.resolve(location + "?lt=" + lifetime), null);
    }

    private CoapResponse post(URI uri, String links) {
        CoapClient client = new CoapClient(uri).setEndpoint(endpoint).setTimeout(10_000L);
        try {
            return links == null ? client.post("", MediaTypeRegistry.TEXT_PLAIN)
                    : client.post(links, MediaTypeRegistry.APPLICATION_LINK_FORMAT);
        } catch (ConnectorException | java.io.IOException e) {
            throw new IllegalStateException("cannot send to " + uri + ": " + e, e);
        } finally {
            client.shutdown();
        }
    }

    @Override
    public void close() {
        endpoint.destroy();
    }
}
