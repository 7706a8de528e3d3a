package io.github.lwm2mportfolio.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.eclipse.californium.elements.util.ExecutorsUtil;
import org.eclipse.californium.elements.util.NamedThreadFactory;
import org.eclipse.californium.elements.util.ProtocolScheduledExecutorService;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.testing.TestLwm2mServer;
import io.github.lwm2mportfolio.client.transport.SharedUdpTransport;

/** Many Portfolio clients in one JVM share one UDP transport and their executors, as a simulator does. */
class ClientFleetTest {

    private static final int CLIENTS = 30;

    @TempDir
    Path dataDir;

    @Test
    void clients_sharing_one_transport_register_and_serve_their_host_identities() throws Exception {
        try (TestLwm2mServer server = new TestLwm2mServer();
                SharedUdpTransport transport = SharedUdpTransport.builder().name("fleet-udp").build()) {
            ProtocolScheduledExecutorService coap = ExecutorsUtil.newProtocolScheduledThreadPool(2,
                    new NamedThreadFactory("fleet-coap-"));
            ScheduledExecutorService leshan = Executors.newScheduledThreadPool(2, new NamedThreadFactory("fleet-leshan-"));
            ExecutorService auth = Executors.newFixedThreadPool(2, new NamedThreadFactory("fleet-auth-"));
            List<PortfolioClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    String endpoint = "fleet-" + i;
                    PortfolioClient client = ClientFixture.builder(server, ClientFixture.Transport.COAP, endpoint,
                            dataDir.resolve(endpoint)).localAddress(InetAddress.getLoopbackAddress())
                            .sharedUdpTransport(transport).sharedCoapExecutor(coap).sharedExecutor(leshan)
                            .authExecutor(auth).build();
                    clients.add(client);
                    client.start();
                }
                for (int i = 0; i < CLIENTS; i++) {
                    Registration registration = server.awaitRegistration("fleet-" + i);
                    LwM2mObjectInstance host = (LwM2mObjectInstance) server
                            .send(registration, new ReadRequest(ContentFormat.SENML_CBOR, 16, 0)).getContent();
                    assertThat(host.getResource(0).getInstance(0).getValue()).isEqualTo("IMEI-HOST-fleet-" + i);
                }
                assertThat(transport.runningConnectors()).isEqualTo(CLIENTS);
            } finally {
                clients.forEach(PortfolioClient::close);
                coap.shutdownNow();
                leshan.shutdownNow();
                auth.shutdownNow();
            }
            assertThat(transport.runningConnectors()).isZero();
        }
    }
}
