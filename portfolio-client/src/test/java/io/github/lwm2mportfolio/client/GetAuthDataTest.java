package io.github.lwm2mportfolio.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.response.ExecuteResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import io.github.lwm2mportfolio.client.ClientFixture.Running;
import io.github.lwm2mportfolio.client.ClientFixture.Transport;
import io.github.lwm2mportfolio.client.testing.TestLwm2mServer;
import io.github.lwm2mportfolio.core.auth.AuthClaims;
import io.github.lwm2mportfolio.core.auth.AuthDataVerifier;
import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.core.auth.Expectation;
import io.github.lwm2mportfolio.core.auth.Verdict;
import io.github.lwm2mportfolio.core.auth.VerifierKeys;
import io.github.lwm2mportfolio.core.keys.KeyStorePasswords;
import io.github.lwm2mportfolio.core.keys.KeyUnavailableException;
import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import io.github.lwm2mportfolio.core.model.AuthStatus;

/** GetAuthData, AuthData and AuthStatus as the profile says, checked by portfolio-core's verifier. */
class GetAuthDataTest {

    private static final byte[] NONCE = "server-nonce-123".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final String NONCE_ARG = Base64.getUrlEncoder().withoutPadding().encodeToString(NONCE);

    private static TestLwm2mServer server;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startServer() {
        server = new TestLwm2mServer();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void sign_gives_one_verifiable_auth_data_per_identity_then_it_is_single_use(Transport transport)
            throws Exception {
        try (Running running = ClientFixture.start(server, transport, dataDir)) {
            Registration registration = running.registration();
            observeStatus(registration);

            ExecuteResponse executed = server.send(registration,
                    new ExecuteRequest("/16/0/1", "1='sign',2='" + NONCE_ARG + "'"));
            assertThat(executed.getCode()).isEqualTo(ResponseCode.CHANGED);
            awaitStatus(AuthStatus.DATA_AVAIL);

            Map<Integer, byte[]> authData = readAuthData(registration, 0);
            assertThat(authData).containsOnlyKeys(0, 1, 2, 3);
            Map<Integer, String> identities = running.client().portfolios().get(0).orElseThrow().identities();
            VerifierKeys keys = VerifierKeys.fleet(ClientFixture.FLEET_MASTER_KEY, List.of(clientCertificate()));
            long lastCounter = -1;
            for (Map.Entry<Integer, byte[]> value : authData.entrySet()) {
                Verdict verdict = new AuthDataVerifier().verify(value.getValue(),
                        new Expectation(running.client().endpoint(), "/16/0", value.getKey(),
                                identities.get(value.getKey()), NONCE, lastCounter, AuthService.SIGN),
                        keys);
                assertThat(verdict.accepted()).as(verdict.message()).isTrue();
                lastCounter = verdict.claims().counter();
            }

            // Single use: the read returned it, so it is gone and the status is IDLE again.
            awaitStatus(AuthStatus.IDLE);
            assertThat(readAuthData(registration, 0)).isEmpty();
            assertThat(readStatus(registration)).isEqualTo(AuthStatus.IDLE);
        }
    }

    @ParameterizedTest
    @CsvSource({ "mac", "encrypt" })
    void mac_and_encrypt_are_verified_with_keys_derived_from_the_fleet_master_key(String service)
            throws Exception {
        try (Running running = ClientFixture.start(server, Transport.COAP, dataDir)) {
            Registration registration = running.registration();
            observeStatus(registration);

            server.send(registration, new ExecuteRequest("/16/0/1", "0='0,3',1='" + service + "',2='" + NONCE_ARG
                    + "'"));
            awaitStatus(AuthStatus.DATA_AVAIL);

            Map<Integer, byte[]> authData = readAuthData(registration, 0);
            assertThat(authData).containsOnlyKeys(0, 3);
            Verdict verdict = new AuthDataVerifier().verify(authData.get(3),
                    new Expectation(running.client().endpoint(), "/16/0", 3, "4.2.1", NONCE, -1,
                            AuthService.fromArgument(service)),
                    VerifierKeys.fleet(ClientFixture.FLEET_MASTER_KEY, List.of()));
            assertThat(verdict.accepted()).as(verdict.message()).isTrue();
            assertThat(verdict.service()).isEqualTo(AuthService.fromArgument(service));
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = { //
            "5='x'                         | unknown argument 5", //
            "1='hash',2='NONCE'            | argument 1 must be one of", //
            "0='0,9',2='NONCE'             | Identity instance 9 does not exist", //
            "0='0,0',2='NONCE'             | repeated", //
            "1='sign'                      | argument 2 (nonce) is required for sign", //
            "1='mac',2='AAAA'              | must decode to 8 to 32 bytes", //
            "2='NONCE='                    | base64url without padding" })
    void malformed_arguments_are_refused_and_nothing_changes(String arguments, String reason) throws Exception {
        try (Running running = ClientFixture.start(server, Transport.COAP, dataDir)) {
            Registration registration = running.registration();
            Map<Integer, byte[]> before = produceAuthDataWithoutReading(registration);

            ExecuteResponse refused = server.send(registration,
                    new ExecuteRequest("/16/0/1", arguments.trim().replace("NONCE", NONCE_ARG)));

            assertThat(refused.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
            assertThat(refused.getErrorMessage()).contains(reason.trim());
            assertThat(readStatus(registration)).isEqualTo(AuthStatus.DATA_AVAIL);
            assertThat(readAuthData(registration, 0)).containsOnlyKeys(before.keySet());
        }
    }

    @Test
    void a_syntactically_broken_argument_list_is_refused_with_4_00() throws Exception {
        try (Running running = ClientFixture.start(server, Transport.COAP, dataDir)) {
            Registration registration = running.registration();
            produceAuthDataWithoutReading(registration);

            for (String payload : List.of("0='unterminated", "x='1'", "0='a b'", "1=sign")) {
                org.eclipse.californium.core.coap.Response response = server.rawExecute(registration, "/16/0/1",
                        payload);
                assertThat(response.getCode()).as(payload).isEqualTo(CoAP.ResponseCode.BAD_REQUEST);
            }
            assertThat(readStatus(registration)).isEqualTo(AuthStatus.DATA_AVAIL);
        }
    }

    @Test
    void a_missing_key_ends_in_error_with_no_auth_data() throws Exception {
        try (Running running = ClientFixture.start(server, Transport.COAP, dataDir)) {
            Registration registration = running.registration();
            observeStatus(registration);

            ExecuteResponse accepted = server.send(registration,
                    new ExecuteRequest("/16/0/1", "2='" + NONCE_ARG + "',3='no-such-key'"));

            assertThat(accepted.getCode()).isEqualTo(ResponseCode.CHANGED);
            awaitStatus(AuthStatus.ERROR);
            assertThat(readAuthData(registration, 0)).isEmpty();
        }
    }

    @Test
    void an_instance_observer_gets_auth_data_in_the_notification_and_it_is_then_consumed() throws Exception {
        try (Running running = ClientFixture.start(server, Transport.COAP, dataDir)) {
            Registration registration = running.registration();
            server.send(registration, new ObserveRequest(ContentFormat.SENML_CBOR, "/16/0"));
            server.clearNotifications();

            server.send(registration, new ExecuteRequest("/16/0/1", "0='2',2='" + NONCE_ARG + "'"));

            ObserveResponse withData = awaitInstanceNotification(AuthStatus.DATA_AVAIL);
            assertThat(((LwM2mObjectInstance) withData.getContent()).getResource(2).getInstances()).containsOnlyKeys(2);
            awaitInstanceNotification(AuthStatus.IDLE);
            assertThat(readAuthData(registration, 0)).isEmpty();
        }
    }

    @Test
    void the_counter_keeps_rising_across_a_restart() throws Exception {
        String endpoint = ClientFixture.newEndpoint();
        long first;
        try (PortfolioClient client = ClientFixture.builder(server, Transport.COAP, endpoint, dataDir).build()) {
            client.start();
            first = counterOfOneAuthData(server.awaitRegistration(endpoint));
        }
        try (PortfolioClient client = ClientFixture.builder(server, Transport.COAP, endpoint, dataDir).build()) {
            client.start();
            Registration registration = server.awaitRegistration(endpoint);
            assertThat(counterOfOneAuthData(registration)).isGreaterThan(first);
            assertThat(client.hostDevice().get(io.github.lwm2mportfolio.core.model.HostIdentity.MODEL))
                    .contains("WM-3000");
        }
    }

    @Test
    void the_key_store_is_sealed_with_a_password_of_its_own_that_only_the_owner_reads() throws Exception {
        Path directory = dataDir.resolve("new-device");
        try (PortfolioClient client = ClientFixture.builder(server, Transport.COAP, ClientFixture.newEndpoint(),
                directory).build()) {
            assertThat(Files.getPosixFilePermissions(directory)).containsExactlyInAnyOrder(
                    PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
            assertThat(Files.getPosixFilePermissions(directory.resolve(PortfolioClient.KEY_STORE_PASSWORD)))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThatThrownBy(() -> Pkcs12KeySource.open(directory.resolve(PortfolioClient.KEY_STORE),
                    KeyStorePasswords.LEGACY_PASSWORD.toCharArray())).isInstanceOf(KeyUnavailableException.class);
        }
    }

    @Test
    void a_key_store_made_before_password_files_still_opens() throws Exception {
        String endpoint = ClientFixture.newEndpoint();
        X509Certificate before = Pkcs12KeySource.openOrCreate(dataDir.resolve(PortfolioClient.KEY_STORE),
                KeyStorePasswords.LEGACY_PASSWORD.toCharArray(), endpoint, null)
                .signingKey(Pkcs12KeySource.DEFAULT_KEY_ID).chain().get(0);
        try (PortfolioClient client = ClientFixture.builder(server, Transport.COAP, endpoint, dataDir).build()) {
            assertThat(clientCertificate()).isEqualTo(before);
            assertThat(dataDir.resolve(PortfolioClient.KEY_STORE_PASSWORD)).doesNotExist();
        }
    }

    private long counterOfOneAuthData(Registration registration) throws Exception {
        observeStatus(registration);
        server.send(registration, new ExecuteRequest("/16/0/1", "0='1',1='mac',2='" + NONCE_ARG + "'"));
        awaitStatus(AuthStatus.DATA_AVAIL);
        byte[] value = readAuthData(registration, 0).get(1);
        Verdict verdict = new AuthDataVerifier().verify(value,
                new Expectation(registration.getEndpoint(), "/16/0", 1, "Acme Meters", NONCE, -1),
                VerifierKeys.fleet(ClientFixture.FLEET_MASTER_KEY, List.of()));
        assertThat(verdict.accepted()).as(verdict.message()).isTrue();
        AuthClaims claims = verdict.claims();
        return claims.counter();
    }

    /** Executes a valid GetAuthData and waits for DATA_AVAIL without reading AuthData (which would consume it). */
    private Map<Integer, byte[]> produceAuthDataWithoutReading(Registration registration) throws Exception {
        observeStatus(registration);
        server.send(registration, new ExecuteRequest("/16/0/1", "0='0,1',2='" + NONCE_ARG + "'"));
        awaitStatus(AuthStatus.DATA_AVAIL);
        Map<Integer, byte[]> keys = new TreeMap<>();
        keys.put(0, null);
        keys.put(1, null);
        return keys;
    }

    private static void observeStatus(Registration registration) throws Exception {
        ObserveResponse response = server.send(registration, new ObserveRequest(ContentFormat.TEXT, "/16/0/3"));
        assertThat(response.getCode()).isEqualTo(ResponseCode.CONTENT);
        server.clearNotifications();
    }

    private static void awaitStatus(AuthStatus expected) throws Exception {
        List<Object> seen = new ArrayList<>();
        while (true) {
            ObserveResponse response = server.awaitNotification("/16/0/3");
            Object value = ((LwM2mSingleResource) response.getContent()).getValue();
            seen.add(value);
            if (value.equals((long) expected.code())) {
                return;
            }
            assertThat(seen).as("AuthStatus notifications").hasSizeLessThan(4);
        }
    }

    private static ObserveResponse awaitInstanceNotification(AuthStatus expected) throws Exception {
        for (int i = 0; i < 4; i++) {
            ObserveResponse response = server.awaitNotification("/16/0");
            assertThat(response.getContent()).as("notification %s %s", response.getCode(), response.getErrorMessage())
                    .isNotNull();
            if (((LwM2mObjectInstance) response.getContent()).getResource(3).getValue()
                    .equals((long) expected.code())) {
                return response;
            }
        }
        throw new AssertionError("no notification of /16/0 with AuthStatus " + expected);
    }

    private static AuthStatus readStatus(Registration registration) throws Exception {
        ReadResponse response = server.send(registration, new ReadRequest(ContentFormat.TEXT, "/16/0/3"));
        return AuthStatus.fromCode((Long) ((LwM2mSingleResource) response.getContent()).getValue());
    }

    private static Map<Integer, byte[]> readAuthData(Registration registration, int instanceId) throws Exception {
        ReadResponse response = server.send(registration,
                new ReadRequest(ContentFormat.SENML_CBOR, "/16/" + instanceId + "/2"));
        assertThat(response.getCode()).isEqualTo(ResponseCode.CONTENT);
        Map<Integer, byte[]> values = new TreeMap<>();
        for (LwM2mResourceInstance instance : ((LwM2mMultipleResource) response.getContent()).getInstances()
                .values()) {
            values.put(instance.getId(), (byte[]) instance.getValue());
        }
        return values;
    }

    private X509Certificate clientCertificate() throws Exception {
        Path store = dataDir.resolve(PortfolioClient.KEY_STORE);
        return Pkcs12KeySource.open(store, KeyStorePasswords.forStore(store,
                dataDir.resolve(PortfolioClient.KEY_STORE_PASSWORD)))
                .signingKey(Pkcs12KeySource.DEFAULT_KEY_ID).chain().get(0);
    }
}
