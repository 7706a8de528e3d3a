package io.github.lwm2mportfolio.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.object.Device;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.github.lwm2mportfolio.client.registration.RegistrationForm;
import io.github.lwm2mportfolio.client.testing.TestLwm2mServer;

/** Many clients in one JVM share one {@link ClientFleet}, as a simulator does. */
class ClientFleetTest {

    private static final int CLIENTS = 30;

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @EnumSource(ClientFixture.Transport.class)
    void fleet_clients_register_and_serve_their_host_identities(ClientFixture.Transport transport) throws Exception {
        try (TestLwm2mServer server = new TestLwm2mServer(); ClientFleet fleet = new ClientFleet("fleet", 2)) {
            List<PortfolioClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    String endpoint = "fleet-" + transport + "-" + i;
                    PortfolioClient client = ClientFixture.builder(server, transport, endpoint,
                            dataDir.resolve(endpoint)).fleet(fleet).build();
                    clients.add(client);
                    client.start();
                }
                for (int i = 0; i < CLIENTS; i++) {
                    String endpoint = "fleet-" + transport + "-" + i;
                    Registration registration = server.awaitRegistration(endpoint);
                    LwM2mObjectInstance host = (LwM2mObjectInstance) server
                            .send(registration, new ReadRequest(ContentFormat.SENML_CBOR, 16, 0)).getContent();
                    assertThat(host.getResource(0).getInstance(0).getValue()).isEqualTo("IMEI-HOST-" + endpoint);
                }
                if (transport == ClientFixture.Transport.COAP) {
                    assertThat(fleet.transport().runningConnectors()).isEqualTo(CLIENTS);
                }
            } finally {
                clients.forEach(PortfolioClient::close);
            }
            assertThat(fleet.transport().runningConnectors()).isZero();
        }
    }

    @Test
    void plain_coap_fleet_clients_start_no_thread_of_their_own() throws Exception {
        try (TestLwm2mServer server = new TestLwm2mServer(); ClientFleet fleet = new ClientFleet("fleet", 2)) {
            // Start one client first, so that the fleet's pools and Leshan's static threads exist.
            List<PortfolioClient> clients = new ArrayList<>();
            try {
                clients.add(startCoapClient(server, fleet, "warm-up"));
                server.awaitRegistration("warm-up");
                int before = ManagementFactory.getThreadMXBean().getThreadCount();
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(startCoapClient(server, fleet, "quiet-" + i));
                }
                for (int i = 0; i < CLIENTS; i++) {
                    server.awaitRegistration("quiet-" + i);
                }
                int after = ManagementFactory.getThreadMXBean().getThreadCount();
                // The pools may still grow to their size (2 threads each); never by a thread per client.
                assertThat(after - before).as("threads started by %d clients", CLIENTS).isLessThan(8);
            } finally {
                clients.forEach(PortfolioClient::close);
            }
        }
    }

    @Test
    void a_plain_leshan_client_on_the_fleet_registers_and_answers() throws Exception {
        try (TestLwm2mServer server = new TestLwm2mServer(); ClientFleet fleet = new ClientFleet("fleet", 2)) {
            ObjectsInitializer objects = new ObjectsInitializer();
            objects.setInstancesForObject(LwM2mId.SECURITY, Security.noSec(server.coapUri(), 1));
            objects.setInstancesForObject(LwM2mId.SERVER, new Server(1, 300));
            objects.setInstancesForObject(LwM2mId.DEVICE, new Device("Bare Maker", "bare-1", "serial-1"));
            LeshanClient client = fleet.leshanClient("bare-leshan", objects.createAll(),
                    InetAddress.getLoopbackAddress(), RegistrationForm.DEFAULT);
            try {
                client.start();
                Registration registration = server.awaitRegistration("bare-leshan");
                LwM2mObjectInstance device = (LwM2mObjectInstance) server
                        .send(registration, new ReadRequest(ContentFormat.SENML_CBOR, 3, 0)).getContent();
                assertThat(device.getResource(0).getValue()).isEqualTo("Bare Maker");
            } finally {
                client.destroy(true);
            }
        }
    }

    private PortfolioClient startCoapClient(TestLwm2mServer server, ClientFleet fleet, String endpoint)
            throws Exception {
        PortfolioClient client = ClientFixture.builder(server, ClientFixture.Transport.COAP, endpoint,
                dataDir.resolve(endpoint)).fleet(fleet).build();
        client.start();
        return client;
    }
}
