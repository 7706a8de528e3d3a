package io.github.lwm2mportfolio.cli.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.leshan.core.endpoint.Protocol;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.servers.security.InMemorySecurityStore;
import org.eclipse.leshan.servers.security.NonUniqueSecurityInfoException;
import org.eclipse.leshan.servers.security.SecurityInfo;
import org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpointsProvider;
import org.eclipse.leshan.transport.californium.server.endpoint.ServerProtocolProvider;
import org.eclipse.leshan.transport.californium.server.endpoint.coap.CoapServerProtocolProvider;
import org.eclipse.leshan.transport.californium.server.endpoint.coaps.CoapsServerProtocolProvider;

/**
 * A bench server on bare Leshan: its in-memory registration store, on a free loopback port, plain CoAP or DTLS with
 * the fleet's pre-shared keys in Leshan's in-memory security store (TLS_PSK_WITH_AES_128_CCM_8 only).
 */
abstract class LeshanBenchServer implements BenchServer {

    protected final LeshanServer server;
    private final Protocol protocol;

    /**
     * @param preSharedKeys by endpoint (identity = endpoint); used over DTLS only
     * @param customize what the server adds to Leshan as it comes (models, for instance)
     */
    LeshanBenchServer(BenchTransport transport, Map<String, byte[]> preSharedKeys,
            UnaryOperator<LeshanServerBuilder> customize) {
        protocol = transport == BenchTransport.DTLS ? Protocol.COAPS : Protocol.COAP;
        ServerProtocolProvider provider = transport == BenchTransport.DTLS ? new PskOnly()
                : new CoapServerProtocolProvider();
        CaliforniumServerEndpointsProvider endpoints = new CaliforniumServerEndpointsProvider.Builder(provider)
                .addEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), protocol).build();
        LeshanServerBuilder builder = new LeshanServerBuilder().setEndpointsProviders(endpoints);
        if (transport == BenchTransport.DTLS) {
            builder.setSecurityStore(securityStore(preSharedKeys));
        }
        server = customize.apply(builder).build();
    }

    @Override
    public String start() {
        server.start();
        return server.getEndpoint(protocol).getURI().toString();
    }

    @Override
    public void close() {
        server.destroy();
    }

    private static InMemorySecurityStore securityStore(Map<String, byte[]> preSharedKeys) {
        InMemorySecurityStore store = new InMemorySecurityStore();
        try {
            for (Map.Entry<String, byte[]> key : preSharedKeys.entrySet()) {
                store.add(SecurityInfo.newPreSharedKeyInfo(key.getKey(), key.getKey(), key.getValue()));
            }
        } catch (NonUniqueSecurityInfoException e) {
            throw new IllegalArgumentException("two devices with one PSK identity: " + e.getMessage(), e);
        }
        return store;
    }

    /** CoAPS offering LwM2M's mandatory PSK suite alone, as the simulator's clients ask for it first. */
    private static final class PskOnly extends CoapsServerProtocolProvider {
        @Override
        public void applyDefaultValue(Configuration configuration) {
            super.applyDefaultValue(configuration);
            configuration.setAsList(DtlsConfig.DTLS_CIPHER_SUITES, CipherSuite.TLS_PSK_WITH_AES_128_CCM_8);
        }
    }
}
