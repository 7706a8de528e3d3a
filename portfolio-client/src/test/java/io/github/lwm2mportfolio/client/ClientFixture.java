package io.github.lwm2mportfolio.client;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.leshan.server.registration.Registration;

import io.github.lwm2mportfolio.client.testing.TestLwm2mServer;
import io.github.lwm2mportfolio.core.model.HostIdentity;

/** Starts our client against a {@link TestLwm2mServer} over the chosen transport, with host identities set. */
final class ClientFixture {

    static final byte[] FLEET_MASTER_KEY = "a fleet master key of 32 bytes!!".getBytes(StandardCharsets.US_ASCII);

    private static final AtomicInteger COUNTER = new AtomicInteger();

    enum Transport {
        COAP, DTLS_PSK
    }

    static String newEndpoint() {
        return "test-client-" + COUNTER.incrementAndGet();
    }

    static PortfolioClient.Builder builder(TestLwm2mServer server, Transport transport, String endpoint,
            Path dataDir) throws Exception {
        PortfolioClient.Builder builder = PortfolioClient.builder(endpoint).dataDirectory(dataDir)
                .localAddress(InetAddress.getLoopbackAddress()).fleetMasterKey(FLEET_MASTER_KEY)
                .hostIdentity(HostIdentity.UNIQUE_ID, "IMEI-HOST-" + endpoint)
                .hostIdentity(HostIdentity.MANUFACTURER, "Acme Meters")
                .hostIdentity(HostIdentity.MODEL, "WM-3000")
                .hostIdentity(HostIdentity.SOFTWARE_VERSION, "4.2.1");
        if (transport == Transport.DTLS_PSK) {
            byte[] key = ("psk-of-" + endpoint).getBytes(StandardCharsets.UTF_8);
            server.addPsk(endpoint, "id-" + endpoint, key);
            builder.serverUri(server.coapsUri()).security(ClientSecurity.psk("id-" + endpoint, key));
        } else {
            builder.serverUri(server.coapUri());
        }
        return builder;
    }

    /** A started client and its registration. */
    record Running(PortfolioClient client, Registration registration) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
        }
    }

    static Running start(TestLwm2mServer server, Transport transport, Path dataDir) throws Exception {
        String endpoint = newEndpoint();
        PortfolioClient client = builder(server, transport, endpoint, dataDir).build();
        client.start();
        return new Running(client, server.awaitRegistration(endpoint));
    }

    private ClientFixture() {
    }
}
