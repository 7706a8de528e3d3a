package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.leshan.client.observer.LwM2mClientObserver;
import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.peer.PskIdentity;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.ClientSecurity;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.inventory.DeviceCredential;
import io.github.lwm2mportfolio.server.inventory.DeviceDetail;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * A device that has DTLS credentials in the server's store is refused over plain CoAP and with another
 * device's credentials: 4.03 with the reason, no registration, nothing of the device changes (issue 11). With
 * plain CoAP turned off only CoAPS listens.
 */
class CredentialEnforcementTest {

    @TempDir
    Path dataDir;

    private PortfolioServer server;
    private Fleet devices;
    private Fleet intruders;

    private void startServer(int coapPort) throws Exception {
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(coapPort).coapsPort(0).httpPort(-1)
                .dataDirectory(dataDir.resolve("server"))
                .collector(CollectorConfig.defaults().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3),
                        Duration.ofMillis(100)))
                .build();
        server.inventory().replaceCertifications(new CertificationList(
                List.of(new Certification("Northwind Metering", "NW-E350", "3.4.1")), Set.of()));
        server.start();
        devices = new Fleet(server, dataDir.resolve("devices"));
        intruders = new Fleet(server, dataDir.resolve("intruders"));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            intruders.close();
            devices.close();
            server.close();
        }
    }

    @Test
    void a_device_with_dtls_credentials_is_refused_over_plain_coap_with_the_reason() throws Exception {
        startServer(0);
        String endpoint = Fleet.newEndpoint("psk-victim");
        devices.start(devices.pskClient(endpoint), Fleet.HostSetup.certified("HDID-P"));
        DeviceDetail before = awaitVerified(endpoint);
        Registration registered = server.lwm2mServer().getRegistrationService().getByEndpoint(endpoint);
        BlockingQueue<String> refusals = new LinkedBlockingQueue<>();

        intruders.start(intruders.client(endpoint, true), spoofed(), refusals(refusals));

        assertThat(refusals.poll(10, TimeUnit.SECONDS)).isEqualTo(
                "FORBIDDEN(403): endpoint has registered over DTLS before: register over CoAPS");
        assertUnchanged(endpoint, registered, before);
    }

    @Test
    void a_device_presenting_another_devices_psk_is_refused_with_the_reason() throws Exception {
        startServer(0);
        String endpoint = Fleet.newEndpoint("psk-victim");
        devices.start(devices.pskClient(endpoint), Fleet.HostSetup.certified("HDID-P2"));
        DeviceDetail before = awaitVerified(endpoint);
        Registration registered = server.lwm2mServer().getRegistrationService().getByEndpoint(endpoint);
        // the intruder's own credentials are genuine, stored for its own endpoint
        String intruder = Fleet.newEndpoint("psk-intruder");
        byte[] key = ("psk " + intruder).getBytes(StandardCharsets.UTF_8);
        server.inventory()
                .putCredential(new DeviceCredential(intruder, DeviceCredential.Kind.PSK, "id-" + intruder, key));
        BlockingQueue<String> refusals = new LinkedBlockingQueue<>();

        intruders.start(intruders.client(endpoint, true).serverUri(server.coapsUri())
                .security(ClientSecurity.psk("id-" + intruder, key)), spoofed(), refusals(refusals));

        assertThat(refusals.poll(10, TimeUnit.SECONDS)).isEqualTo(
                "FORBIDDEN(403): the DTLS identity is not the one stored for this endpoint");
        assertUnchanged(endpoint, registered, before);
        assertThat(server.inventory().device(intruder)).isEmpty();
    }

    @Test
    void with_plain_coap_off_only_coaps_listens_and_dtls_devices_register() throws Exception {
        startServer(-1);

        assertThat(server.coapUri()).isNull();
        assertThat(server.lwm2mUris()).isEqualTo(server.coapsUri() + " (plain CoAP off)");
        assertThat(server.lwm2mServer().getEndpoints()).extracting(e -> e.getURI().getScheme())
                .containsExactly("coaps");
        String endpoint = Fleet.newEndpoint("psk-only");
        devices.start(devices.pskClient(endpoint), Fleet.HostSetup.certified("HDID-P3"));
        awaitVerified(endpoint);
    }

    private DeviceDetail awaitVerified(String endpoint) {
        await().atMost(15, TimeUnit.SECONDS).until(() -> server.inventory().device(endpoint)
                .map(d -> d.summary().lastVerification() != null).orElse(false));
        DeviceDetail device = server.inventory().device(endpoint).orElseThrow();
        assertThat(device.summary().lastVerification().outcome()).isEqualTo(VerificationOutcome.VERIFIED);
        return device;
    }

    private void assertUnchanged(String endpoint, Registration registered, DeviceDetail before) {
        Registration now = server.lwm2mServer().getRegistrationService().getByEndpoint(endpoint);
        assertThat(now.getId()).as("the device's own registration").isEqualTo(registered.getId());
        assertThat(now.getClientTransportData().getIdentity()).isInstanceOf(PskIdentity.class);
        DeviceDetail after = server.inventory().device(endpoint).orElseThrow();
        assertThat(after.summary().host()).isEqualTo(before.summary().host());
        assertThat(after.portfolios()).isEqualTo(before.portfolios());
        assertThat(after.history()).isEqualTo(before.history());
        assertThat(after.verifications()).isEqualTo(before.verifications());
    }

    private static Fleet.HostSetup spoofed() {
        return client -> client.hostDevice().setUniqueId("HDID-SPOOF").setManufacturer("Northwind Metering")
                .setModel("NW-E350").setSoftwareVersion("6.6.6");
    }

    private static LwM2mClientObserver refusals(BlockingQueue<String> answers) {
        return new LwM2mClientObserverAdapter() {
            @Override
            public void onRegistrationFailure(LwM2mServer lwm2mServer, RegisterRequest request,
                    ResponseCode responseCode, String errorMessage, Exception cause) {
                if (responseCode != null) {
                    answers.add(responseCode + ": " + errorMessage);
                }
            }
        };
    }
}
