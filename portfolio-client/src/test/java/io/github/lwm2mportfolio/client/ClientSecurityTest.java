package io.github.lwm2mportfolio.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.peer.RpkIdentity;
import org.eclipse.leshan.core.peer.X509Identity;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.ClientFixture.Transport;
import io.github.lwm2mportfolio.client.testing.TestCertificates;
import io.github.lwm2mportfolio.client.testing.TestLwm2mServer;

/** Our client over DTLS with RPK and X.509 against a real Leshan server, and what the server refuses. */
class ClientSecurityTest {

    /** Long enough for several handshakes and registration attempts on loopback. */
    private static final Duration REFUSAL_WINDOW = Duration.ofSeconds(1);

    private static TestLwm2mServer server;

    @TempDir
    Path dataDir;

    private PortfolioClient client;

    @BeforeAll
    static void startServer() {
        server = new TestLwm2mServer();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void registers_with_rpk_and_the_server_reads_the_portfolio() throws Exception {
        String endpoint = ClientFixture.newEndpoint();
        KeyPair keys = TestCertificates.newEcKeyPair();
        server.addRpk(endpoint, keys.getPublic());

        Registration registration = register(endpoint,
                ClientSecurity.rpk(keys.getPublic(), keys.getPrivate(), server.serverPublicKey()));

        assertThat(registration.getClientTransportData().getIdentity()).isEqualTo(new RpkIdentity(keys.getPublic()));
        assertReadsPortfolio(registration, endpoint);
    }

    @Test
    void registers_with_x509_and_the_server_reads_the_portfolio() throws Exception {
        String endpoint = ClientFixture.newEndpoint();
        TestCertificates.Credential device = server.certificates().client(endpoint);
        server.addX509(endpoint);

        Registration registration = register(endpoint,
                ClientSecurity.x509(device.certificate(), device.privateKey(), server.serverCertificate()));

        assertThat(registration.getClientTransportData().getIdentity()).isEqualTo(new X509Identity(endpoint));
        assertReadsPortfolio(registration, endpoint);
    }

    @Test
    void a_client_with_another_rpk_is_refused_by_the_server() throws Exception {
        String endpoint = ClientFixture.newEndpoint();
        server.addRpk(endpoint, TestCertificates.newEcKeyPair().getPublic());
        KeyPair wrong = TestCertificates.newEcKeyPair();

        BlockingQueue<Failure> failures = startWatchingFailures(newClient(endpoint,
                ClientSecurity.rpk(wrong.getPublic(), wrong.getPrivate(), server.serverPublicKey())));

        // The handshake succeeds (any RPK may shake hands), the registration is what the server refuses.
        assertThat(failures.poll(5, TimeUnit.SECONDS)).isNotNull().extracting(Failure::code)
                .isEqualTo(ResponseCode.FORBIDDEN);
        server.assertNoRegistration(endpoint, REFUSAL_WINDOW);
    }

    @Test
    void a_client_with_a_certificate_of_another_ca_is_refused_by_the_server() throws Exception {
        String endpoint = ClientFixture.newEndpoint();
        server.addX509(endpoint);
        TestCertificates.Credential foreign = new TestCertificates("another CA").client(endpoint);

        BlockingQueue<Failure> failures = startWatchingFailures(newClient(endpoint,
                ClientSecurity.x509(foreign.certificate(), foreign.privateKey(), server.serverCertificate())));

        // The server refuses the handshake: the certificate does not chain to a CA it trusts.
        assertThat(failures.poll(5, TimeUnit.SECONDS)).isNotNull().extracting(Failure::cause).isNotNull()
                .satisfies(cause -> assertThat(cause).hasStackTraceContaining("BAD_CERTIFICATE"));
        server.assertNoRegistration(endpoint, REFUSAL_WINDOW);
    }

    @Test
    void a_client_whose_certificate_names_another_endpoint_is_refused_by_the_server() throws Exception {
        String endpoint = ClientFixture.newEndpoint();
        server.addX509(endpoint);
        TestCertificates.Credential other = server.certificates().client("someone-else");

        BlockingQueue<Failure> failures = startWatchingFailures(newClient(endpoint,
                ClientSecurity.x509(other.certificate(), other.privateKey(), server.serverCertificate())));

        // A trusted CA issued it, but its CN must be the endpoint name.
        assertThat(failures.poll(5, TimeUnit.SECONDS)).isNotNull().extracting(Failure::code)
                .isEqualTo(ResponseCode.FORBIDDEN);
        server.assertNoRegistration(endpoint, REFUSAL_WINDOW);
    }

    @Test
    void a_client_that_pins_another_server_key_does_not_register() throws Exception {
        String endpoint = ClientFixture.newEndpoint();
        KeyPair keys = TestCertificates.newEcKeyPair();
        server.addRpk(endpoint, keys.getPublic());

        BlockingQueue<Failure> failures = startWatchingFailures(newClient(endpoint,
                ClientSecurity.rpk(keys.getPublic(), keys.getPrivate(), TestCertificates.newEcKeyPair().getPublic())));

        // The client refuses the handshake: the server's key is not the one it pins.
        assertThat(failures.poll(5, TimeUnit.SECONDS)).isNotNull().extracting(Failure::cause).isNotNull()
                .satisfies(cause -> assertThat(cause).hasStackTraceContaining("not trusted"));
        server.assertNoRegistration(endpoint, REFUSAL_WINDOW);
    }

    @Test
    void rpk_and_x509_need_every_key_and_certificate_and_keep_private_keys_out_of_logs() {
        KeyPair keys = TestCertificates.newEcKeyPair();
        TestCertificates.Credential device = server.certificates().client("ep");

        assertThatThrownBy(() -> ClientSecurity.rpk(keys.getPublic(), keys.getPrivate(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server public key");
        assertThatThrownBy(() -> ClientSecurity.x509(device.certificate(), null, server.serverCertificate()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("private key");
        assertThat(ClientSecurity.rpk(keys.getPublic(), keys.getPrivate(), server.serverPublicKey()).toString())
                .doesNotContain(keys.getPrivate().toString());
        assertThat(ClientSecurity.x509(device.certificate(), device.privateKey(), server.serverCertificate())
                .toString()).contains("CN=ep").doesNotContain(device.privateKey().toString());
    }

    private Registration register(String endpoint, ClientSecurity security) throws Exception {
        newClient(endpoint, security).start();
        return server.awaitRegistration(endpoint);
    }

    /** A client of the server's CoAPS endpoint with the host identities of {@link ClientFixture}, not started. */
    private PortfolioClient newClient(String endpoint, ClientSecurity security) throws Exception {
        client = ClientFixture.builder(server, Transport.COAP, endpoint, dataDir.resolve(endpoint))
                .serverUri(server.coapsUri()).security(security).build();
        return client;
    }

    /** A failed registration as the client saw it: a response code, or a cause when none came. */
    private record Failure(ResponseCode code, Exception cause) {
    }

    /** Starts the client and returns its failed registrations as they come. */
    private static BlockingQueue<Failure> startWatchingFailures(PortfolioClient client) {
        BlockingQueue<Failure> failures = new LinkedBlockingQueue<>();
        client.leshanClient().addObserver(new LwM2mClientObserverAdapter() {
            @Override
            public void onRegistrationFailure(LwM2mServer lwm2mServer, RegisterRequest request,
                    ResponseCode responseCode, String errorMessage, Exception cause) {
                failures.add(new Failure(responseCode, cause));
            }

            @Override
            public void onRegistrationTimeout(LwM2mServer lwm2mServer, RegisterRequest request) {
                failures.add(new Failure(null, null));
            }
        });
        client.start();
        return failures;
    }

    private static void assertReadsPortfolio(Registration registration, String endpoint) throws Exception {
        ReadResponse response = server.send(registration, new ReadRequest(16, 0));

        assertThat(response.getCode()).isEqualTo(ResponseCode.CONTENT);
        LwM2mObjectInstance instance = (LwM2mObjectInstance) response.getContent();
        assertThat(instance.getResource(0).getInstance(0).getValue()).isEqualTo("IMEI-HOST-" + endpoint);
        assertThat(instance.getResource(0).getInstance(1).getValue()).isEqualTo("Acme Meters");
    }
}
