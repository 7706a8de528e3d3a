package io.github.lwm2mportfolio.server;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.dtls.SessionAdapter;
import org.eclipse.leshan.core.endpoint.EndPointUriHandler;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpointFactory;
import org.eclipse.leshan.transport.californium.server.endpoint.coaps.CoapsServerEndpointFactory;
import org.eclipse.leshan.transport.californium.server.endpoint.coaps.CoapsServerEndpointFactoryBuilder;
import org.eclipse.leshan.transport.californium.server.endpoint.coaps.CoapsServerProtocolProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leshan's CoAPs endpoint with a DTLS connector that logs each failed handshake at WARN with the peer's address
 * and Scandium's reason (Californium itself only logs them at DEBUG): a device with a wrong PSK or an untrusted
 * certificate shows up in the server's log, at most 20 lines a minute ({@link LogBudget}). Its certificate
 * verifier also refuses revoked device certificates ({@link RevocationCheckingVerifier}). The connector itself, with
 * its Connection IDs, comes from {@link DtlsConnectors}.
 */
final class HandshakeFailureLog extends CoapsServerProtocolProvider {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeFailureLog.class);
    /** Peers that fail on purpose must not flood the log: 20 lines a minute, then a count of the others. */
    private final LogBudget budget = new LogBudget(20, Duration.ofMinutes(1), Clock.systemUTC());
    private final Function<X509Certificate, Optional<String>> revocation;
    private final DtlsConnectors connectors;

    /** @param revocation why a device certificate is revoked, or empty: such a certificate fails the handshake */
    HandshakeFailureLog(Function<X509Certificate, Optional<String>> revocation, DtlsConnectors connectors) {
        this.revocation = revocation;
        this.connectors = connectors;
    }

    @Override
    public CaliforniumServerEndpointFactory createDefaultEndpointFactory(EndpointUri uri,
            EndPointUriHandler uriHandler) {
        return new CoapsServerEndpointFactoryBuilder(uriHandler) {
            @Override
            public CoapsServerEndpointFactory build() {
                return new CoapsServerEndpointFactory(this.uri, loggingTagPrefix, configuration,
                        dtlsConnectorConfigInitializer, coapEndpointConfigInitializer, getUriHandler()) {
                    @Override
                    protected Connector createConnector(DtlsConnectorConfig config) {
                        DtlsConnectorConfig.Builder logged = DtlsConnectorConfig.builder(config)
                                .setSessionListener(new FailureLogger(budget));
                        if (config.getCertificateVerifier() != null) {
                            logged.setCertificateVerifier(
                                    new RevocationCheckingVerifier(config.getCertificateVerifier(), revocation));
                        }
                        return connectors.create(logged);
                    }
                };
            }
        }.setURI(uri).setDtlsConnectorConfig(dtlsConnectorConfigInitializer).build();
    }

    private static final class FailureLogger extends SessionAdapter {
        private final LogBudget budget;

        FailureLogger(LogBudget budget) {
            this.budget = budget;
        }

        @Override
        public void handshakeFailed(Handshaker handshaker, Throwable error) {
            LogBudget.Decision decision = budget.spend();
            if (decision.write()) {
                LOG.warn("DTLS handshake with {} failed: {}{}", handshaker.getPeerAddress(),
                        error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage(),
                        decision.leftOut() == 0 ? ""
                                : " (" + decision.leftOut() + " failed handshakes before it not logged)");
            }
        }
    }
}
