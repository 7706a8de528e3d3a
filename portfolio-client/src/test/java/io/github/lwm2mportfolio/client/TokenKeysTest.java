package io.github.lwm2mportfolio.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.ClientFixture.Transport;
import io.github.lwm2mportfolio.client.testing.SoftHsmToken;
import io.github.lwm2mportfolio.client.testing.TestLwm2mServer;
import io.github.lwm2mportfolio.core.auth.AuthDataVerifier;
import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.core.auth.Expectation;
import io.github.lwm2mportfolio.core.auth.KeyDerivation;
import io.github.lwm2mportfolio.core.auth.Verdict;
import io.github.lwm2mportfolio.core.auth.VerifierKeys;
import io.github.lwm2mportfolio.core.keys.KeyUnavailableException;
import io.github.lwm2mportfolio.core.keys.Pkcs11KeySource;
import io.github.lwm2mportfolio.core.keys.SigningKey;
import io.github.lwm2mportfolio.core.model.AuthStatus;

/** Keys in a PKCS#11 token (SoftHSM2 through SunPKCS11): made and used inside it, and what happens when it fails. */
class TokenKeysTest {

    private static final byte[] NONCE = "token-nonce-0001".getBytes(StandardCharsets.US_ASCII);
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

    @Test
    void the_signing_key_is_made_in_the_token_signs_there_and_is_never_exported() throws Exception {
        Pkcs11KeySource keys = new Pkcs11KeySource(SoftHsmToken.emptyToken(), "meter-hsm", null);

        SigningKey signing = keys.signingKey(keys.defaultKeyId());

        assertThat(signing.key().getEncoded()).as("a sensitive, non-extractable key").isNull();
        assertThat(signing.chain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=meter-hsm");
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(signing.key());
        signer.update(NONCE);
        byte[] signature = signer.sign();
        assertThat(signer.getProvider().getName()).startsWith("SunPKCS11-portfolio-");
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(signing.chain().get(0).getPublicKey());
        verifier.update(NONCE);
        assertThat(verifier.verify(signature)).isTrue();
        // The same key the next time (it is a token object, not a session one).
        Pkcs11KeySource again = new Pkcs11KeySource(new Pkcs11KeySource.Token(SoftHsmToken.LIBRARY, 0,
                SoftHsmToken.PIN.toCharArray()), "meter-hsm", null);
        assertThat(again.signingKey("default").chain()).isEqualTo(signing.chain());
    }

    @Test
    void shared_keys_derived_from_the_fleet_master_key_are_imported_and_used_in_the_token() throws Exception {
        Pkcs11KeySource keys = new Pkcs11KeySource(SoftHsmToken.emptyToken(), "meter-hsm-2",
                ClientFixture.FLEET_MASTER_KEY);

        var macKey = keys.macKey("default");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(macKey);
        byte[] inToken = mac.doFinal(NONCE);

        assertThat(macKey.getEncoded()).isNull();
        assertThat(keys.encryptionKey("default").getEncoded()).isNull();
        Mac reference = Mac.getInstance("HmacSHA256", "SunJCE");
        reference.init(new SecretKeySpec(KeyDerivation.deriveDeviceKey(ClientFixture.FLEET_MASTER_KEY, "meter-hsm-2",
                KeyDerivation.PURPOSE_MAC, 32), "HmacSHA256"));
        assertThat(inToken).isEqualTo(reference.doFinal(NONCE));
    }

    @Test
    void a_token_chosen_by_its_label_holds_the_keys() throws Exception {
        SoftHsmToken.emptyToken();
        Pkcs11KeySource keys = new Pkcs11KeySource(Pkcs11KeySource.Token.labelled(SoftHsmToken.LIBRARY,
                SoftHsmToken.LABEL, SoftHsmToken.PIN.toCharArray()), "meter-label", null);

        assertThat(Pkcs11KeySource.tokenLabels(SoftHsmToken.LIBRARY)).containsExactly(SoftHsmToken.LABEL);
        assertThat(keys.signingKey("default").chain().get(0).getSubjectX500Principal().getName())
                .isEqualTo("CN=meter-label");
        assertThat(keys).hasToString("PKCS#11 token '" + SoftHsmToken.LABEL + "' of " + SoftHsmToken.LIBRARY);
    }

    @Test
    void a_label_no_token_has_is_refused_with_the_labels_there_are() throws Exception {
        SoftHsmToken.emptyToken();
        Pkcs11KeySource keys = new Pkcs11KeySource(Pkcs11KeySource.Token.labelled(SoftHsmToken.LIBRARY, "nope",
                SoftHsmToken.PIN.toCharArray()), "meter-label", null);

        assertThatThrownBy(() -> keys.signingKey("default")).isInstanceOfSatisfying(KeyUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo(KeyUnavailableException.Reason.NOT_FOUND))
                .hasMessage("no PKCS#11 token labelled 'nope' in " + SoftHsmToken.LIBRARY + " (its tokens: '"
                        + SoftHsmToken.LABEL + "')");
    }

    @Test
    void a_wrong_pin_and_a_missing_library_say_so() throws Exception {
        SoftHsmToken.emptyToken();
        Pkcs11KeySource wrongPin = new Pkcs11KeySource(new Pkcs11KeySource.Token(SoftHsmToken.LIBRARY, 0,
                "0000".toCharArray()), "m", null);
        Pkcs11KeySource noLibrary = new Pkcs11KeySource(new Pkcs11KeySource.Token(dataDir.resolve("libnone.so"), 0,
                SoftHsmToken.PIN.toCharArray()), "m", null);

        assertThatThrownBy(() -> wrongPin.signingKey("default")).isInstanceOfSatisfying(KeyUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo(KeyUnavailableException.Reason.WRONG_PASSWORD))
                .hasMessage("wrong PIN for PKCS#11 token 0 of " + SoftHsmToken.LIBRARY);
        assertThatThrownBy(() -> noLibrary.macKey("default")).isInstanceOfSatisfying(KeyUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo(KeyUnavailableException.Reason.STORE_UNREADABLE))
                .hasMessage("no PKCS#11 library " + dataDir.resolve("libnone.so"));
    }

    @Test
    void sign_mac_and_encrypt_auth_data_from_token_keys_verify_with_the_fleet_keys() throws Exception {
        String endpoint = ClientFixture.newEndpoint();
        Pkcs11KeySource keys = new Pkcs11KeySource(SoftHsmToken.emptyToken(), endpoint, ClientFixture.FLEET_MASTER_KEY);
        try (PortfolioClient client = ClientFixture.builder(server, Transport.COAP, endpoint, dataDir).keySource(keys)
                .build()) {
            client.start();
            Registration registration = server.awaitRegistration(endpoint);
            VerifierKeys verifierKeys = VerifierKeys.fleet(ClientFixture.FLEET_MASTER_KEY,
                    List.of(keys.signingKey("default").chain().get(0)));
            for (AuthService service : AuthService.values()) {
                byte[] authData = authDataOfIdentity3(registration, service.name().toLowerCase());
                Verdict verdict = new AuthDataVerifier().verify(authData, new Expectation(endpoint, "/16/0", 3, "4.2.1",
                        NONCE, -1, service), verifierKeys);
                assertThat(verdict.accepted()).as(service + ": " + verdict.message()).isTrue();
            }
        }
    }

    @Test
    void with_a_wrong_pin_get_auth_data_ends_in_error_and_the_client_keeps_serving() throws Exception {
        SoftHsmToken.emptyToken();
        String endpoint = ClientFixture.newEndpoint();
        Pkcs11KeySource keys = new Pkcs11KeySource(new Pkcs11KeySource.Token(SoftHsmToken.LIBRARY, 0,
                "0000".toCharArray()), endpoint, null);
        try (PortfolioClient client = ClientFixture.builder(server, Transport.COAP, endpoint, dataDir).keySource(keys)
                .build()) {
            client.start();
            Registration registration = server.awaitRegistration(endpoint);

            assertThat(server.send(registration, new ExecuteRequest("/16/0/1", "1='sign',2='" + NONCE_ARG + "'"))
                    .getCode()).isEqualTo(ResponseCode.CHANGED);

            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> status(registration) == AuthStatus.ERROR);
            ReadResponse model = server.send(registration, new ReadRequest(ContentFormat.TEXT, "/16/0/0/2"));
            assertThat(model.getCode()).isEqualTo(ResponseCode.CONTENT);
            assertThat(((LwM2mResourceInstance) model.getContent()).getValue()).isEqualTo("WM-3000");
        }
    }

    private static AuthStatus status(Registration registration) throws Exception {
        ReadResponse response = server.send(registration, new ReadRequest(ContentFormat.TEXT, "/16/0/3"));
        return AuthStatus.fromCode((Long) ((LwM2mSingleResource) response.getContent()).getValue());
    }

    private static byte[] authDataOfIdentity3(Registration registration, String service) throws Exception {
        assertThat(server.send(registration, new ExecuteRequest("/16/0/1", "0='3',1='" + service + "',2='"
                + NONCE_ARG + "'")).getCode()).isEqualTo(ResponseCode.CHANGED);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> status(registration) == AuthStatus.DATA_AVAIL);
        ReadResponse response = server.send(registration, new ReadRequest(ContentFormat.SENML_CBOR, "/16/0/2"));
        Map<Integer, byte[]> values = new TreeMap<>();
        for (LwM2mResourceInstance instance : ((LwM2mMultipleResource) response.getContent()).getInstances()
                .values()) {
            values.put(instance.getId(), (byte[]) instance.getValue());
        }
        return values.get(3);
    }
}
