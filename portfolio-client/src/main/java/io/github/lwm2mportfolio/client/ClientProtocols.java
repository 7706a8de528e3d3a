package io.github.lwm2mportfolio.client;

import java.net.InetSocketAddress;

import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.util.ProtocolScheduledExecutorService;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.DtlsHandshakeTimeoutException;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.dtls.SessionAdapter;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.leshan.transport.californium.client.endpoint.CaliforniumClientEndpointFactory;
import org.eclipse.leshan.transport.californium.client.endpoint.CaliforniumClientEndpointsProvider;
import org.eclipse.leshan.transport.californium.client.endpoint.ClientProtocolProvider;
import org.eclipse.leshan.transport.californium.client.endpoint.coaps.CoapsClientEndpointFactory;
import org.eclipse.leshan.transport.californium.client.endpoint.coaps.CoapsClientProtocolProvider;

/** The Californium protocol settings our clients use, alone or in a {@link ClientFleet}. */
final class ClientProtocols {

    private ClientProtocols() {
    }

    /**
     * Told of each failed DTLS handshake of a client, with the peer and why; {@code unanswered} when the peer never
     * answered the first flight (no server there), not when it stopped answering later (a key it cannot check).
     */
    interface HandshakeFailures {
        void failed(InetSocketAddress peer, Throwable cause, boolean unanswered);

        HandshakeFailures IGNORED = (peer, cause, unanswered) -> {
        };
    }

    /**
     * DTLS with LwM2M's mandatory suites first (PSK with CCM_8 halves the handshake cost), using the server's
     * Connection ID when it gives one. With a shared executor the DTLS connector works on it; Scandium still keeps
     * one receiver thread per connector. Failed handshakes go to {@code failures}: Scandium tells the CoAP layer
     * nothing of a handshake the server never answered.
     */
    static CoapsClientProtocolProvider coaps(ProtocolScheduledExecutorService sharedExecutor,
            HandshakeFailures failures) {
        return new CoapsClientProtocolProvider() {
            @Override
            public void applyDefaultValue(Configuration configuration) {
                super.applyDefaultValue(configuration);
                configuration.setAsList(DtlsConfig.DTLS_PRESELECTED_CIPHER_SUITES,
                        CipherSuite.TLS_PSK_WITH_AES_128_CCM_8, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8);
                configuration.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1);
                // Supports the DTLS Connection ID (RFC 9146) without asking one for itself: the server's CID in
                // our records keeps the session when a NAT gives us another address (no new handshake).
                configuration.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 0);
            }

            @Override
            public CaliforniumClientEndpointFactory createDefaultEndpointFactory() {
                return new CoapsClientEndpointFactory() {
                    @Override
                    protected DtlsConnectorConfig.Builder createRootDtlsConnectorConfigBuilder(
                            Configuration configuration) {
                        return super.createRootDtlsConnectorConfigBuilder(configuration)
                                .setSessionListener(new SessionAdapter() {
                                    @Override
                                    public void handshakeFailed(Handshaker handshaker, Throwable error) {
                                        failures.failed(handshaker.getPeerAddress(), error,
                                                error instanceof DtlsHandshakeTimeoutException timeout
                                                        && timeout.getFlightNumber() == 1);
                                    }
                                });
                    }

                    @Override
                    protected Connector createSecuredConnector(DtlsConnectorConfig dtlsConfig) {
                        if (sharedExecutor == null) {
                            return super.createSecuredConnector(dtlsConfig);
                        }
                        DTLSConnector connector = new DTLSConnector(dtlsConfig);
                        connector.setExecutor(sharedExecutor);
                        return connector;
                    }
                };
            }
        };
    }

    /** One configuration for these protocols, as Leshan would make it for each client. */
    static Configuration configuration(ClientProtocolProvider... providers) {
        return new CaliforniumClientEndpointsProvider.Builder(providers).createDefaultConfiguration();
    }
}
