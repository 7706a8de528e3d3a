package io.github.lwm2mportfolio.client.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.californium.elements.util.ExecutorsUtil;
import org.eclipse.californium.elements.util.ProtocolScheduledExecutorService;
import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.object.Device;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.model.LwM2mModel;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.transport.californium.client.endpoint.CaliforniumClientEndpointsProvider;
import org.junit.jupiter.api.Test;

import io.github.lwm2mportfolio.client.testing.TestLwm2mServer;

/**
 * Many Leshan clients on one {@link SharedUdpTransport} with shared Leshan and Californium executors: they register
 * and answer reads, while the JVM's thread count hardly moves.
 */
class SharedTransportLeshanClientsTest {

    private static final int CLIENTS = 200;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Parsing Leshan's default models takes about 50 ms: once for all clients. */
    private static final LwM2mModel MODEL = new StaticModel(ObjectLoader.loadDefault());

    @Test
    void two_hundred_clients_register_and_answer_through_one_transport() throws Exception {
        try (TestLwm2mServer server = new TestLwm2mServer()) {
            int before = THREADS.getThreadCount();
            // What a client would start for itself: connector threads, Leshan's registration engine and async
            // request timeouts (the server's CoapServer pool shares Californium's name, so the total covers those).
            String[] perClientThreads = { "UDP-Receiver-", "UDP-Sender-", "RegistrationEngine#",
                    "Leshan Async Request timeout" };
            long perClientBefore = liveThreadsNamed(perClientThreads); // the server's own connector

            SharedUdpTransport transport = SharedUdpTransport.builder().name("sim-udp").build();
            ProtocolScheduledExecutorService coapExecutor = ExecutorsUtil.newProtocolScheduledThreadPool(2,
                    daemonThreads("sim-coap-"));
            ScheduledExecutorService leshanExecutor = Executors.newScheduledThreadPool(4, daemonThreads("sim-leshan-"));
            List<LeshanClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    LeshanClient client = newClient(server, "shared-udp-" + i, transport, coapExecutor,
                            leshanExecutor);
                    clients.add(client);
                    client.start();
                }
                List<Registration> registrations = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    registrations.add(server.awaitRegistration("shared-udp-" + i));
                }
                assertThat(transport.runningConnectors()).isEqualTo(CLIENTS);

                for (int i = 0; i < CLIENTS; i++) {
                    ReadResponse response = server.send(registrations.get(i), new ReadRequest(LwM2mId.DEVICE, 0));
                    assertThat(response.isSuccess()).as("read /3/0 of client %d: %s", i, response).isTrue();
                    LwM2mObjectInstance device = (LwM2mObjectInstance) response.getContent();
                    assertThat(device.getResource(0).getValue()).isEqualTo("Acme Meters");
                    assertThat(device.getResource(2).getValue()).isEqualTo("SN-" + i);
                }

                int during = THREADS.getThreadCount();
                assertThat(during - before).as("new threads for %d clients (%d before, %d now)", CLIENTS, before,
                        during).isLessThan(40);
                assertThat(liveThreadsNamed(perClientThreads)).as("per-client threads of Californium and Leshan")
                        .isEqualTo(perClientBefore);
                assertThat(transport.droppedDatagrams()).isZero();
            } finally {
                for (LeshanClient client : clients) {
                    client.destroy(true);
                }
                transport.close();
                coapExecutor.shutdownNow();
                leshanExecutor.shutdownNow();
            }
            assertThat(coapExecutor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            assertThat(leshanExecutor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            server.awaitDeregistration("shared-udp-0");
            assertThat(transport.runningConnectors()).isZero();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(liveThreadsNamed("sim-udp-", "sim-coap-", "sim-leshan-",
                            "Leshan Async Request timeout")).isZero());
            await().atMost(Duration.ofSeconds(10))
                    // + 2: the server's own pools may have started a thread or two on demand meanwhile
                    .untilAsserted(() -> assertThat(THREADS.getThreadCount()).isLessThanOrEqualTo(before + 2));
        }
    }

    @Test
    void a_client_stopped_and_started_again_registers_through_the_same_transport() throws Exception {
        try (TestLwm2mServer server = new TestLwm2mServer();
                SharedUdpTransport transport = SharedUdpTransport.builder().name("restart-udp").build()) {
            ProtocolScheduledExecutorService coapExecutor = ExecutorsUtil.newProtocolScheduledThreadPool(1,
                    daemonThreads("restart-coap-"));
            ScheduledExecutorService leshanExecutor = Executors.newScheduledThreadPool(1,
                    daemonThreads("restart-leshan-"));
            LeshanClient client = newClient(server, "restarting-7", transport, coapExecutor, leshanExecutor);
            try {
                client.start();
                server.awaitRegistration("restarting-7");
                assertThat(transport.runningConnectors()).isEqualTo(1);
                // The server knows of the registration before the client has the answer: wait for the client.
                await().atMost(Duration.ofSeconds(10)).until(() -> !client.getRegisteredServers().isEmpty());

                client.stop(true);
                server.awaitDeregistration("restarting-7");
                assertThat(transport.runningConnectors()).isZero();

                client.start();
                Registration again = server.awaitRegistration("restarting-7");
                assertThat(transport.runningConnectors()).isEqualTo(1);
                ReadResponse response = server.send(again, new ReadRequest(LwM2mId.DEVICE, 0));
                assertThat(response.isSuccess()).as("read after the restart: %s", response).isTrue();
            } finally {
                client.destroy(true);
                coapExecutor.shutdownNow();
                leshanExecutor.shutdownNow();
            }
            assertThat(transport.runningConnectors()).isZero();
        }
    }

    private static LeshanClient newClient(TestLwm2mServer server, String endpoint, SharedUdpTransport transport,
            ProtocolScheduledExecutorService coapExecutor, ScheduledExecutorService leshanExecutor) {
        ObjectsInitializer initializer = new ObjectsInitializer(MODEL);
        initializer.setInstancesForObject(LwM2mId.SECURITY, Security.noSec(server.coapUri(), 123));
        initializer.setInstancesForObject(LwM2mId.SERVER, new Server(123, 300));
        initializer.setInstancesForObject(LwM2mId.DEVICE,
                new Device("Acme Meters", "WM-3000", "SN-" + endpoint.substring(endpoint.lastIndexOf('-') + 1)));

        CaliforniumClientEndpointsProvider endpoints = new CaliforniumClientEndpointsProvider.Builder(
                new SharedCoapClientProtocolProvider(transport, coapExecutor)).setClientAddress(LOOPBACK).build();
        LeshanClientBuilder builder = new LeshanClientBuilder(endpoint);
        builder.setObjects(initializer.create(LwM2mId.SECURITY, LwM2mId.SERVER, LwM2mId.DEVICE));
        builder.setEndpointsProviders(endpoints);
        builder.setSharedExecutor(leshanExecutor);
        LeshanClient client = builder.build();
        SharedCoapClientProtocolProvider.shareCoapServerExecutor(endpoints, coapExecutor);
        return client;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger ids = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + ids.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static long liveThreadsNamed(String... prefixes) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(thread -> {
                    for (String prefix : prefixes) {
                        if (thread.getName().startsWith(prefix)) {
                            return true;
                        }
                    }
                    return false;
                }).count();
    }
}
