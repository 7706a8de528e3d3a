package io.github.lwm2mportfolio.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A server challenged ep-1 once (nonce 1, counter 7 accepted) and now challenges it again (nonce 2). Each way of
 * passing off other AuthData as the answer is refused with its own reason.
 */
class AuthDataReplayAndTamperingTest {

    private static final byte[] MASTER = "fleet master key: 32 bytes long!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NONCE_1 = {1, 1, 1, 1, 1, 1, 1, 1};
    private static final byte[] NONCE_2 = {2, 2, 2, 2, 2, 2, 2, 2};
    private static final long NOW = 1_750_000_000L;
    private static final long ACCEPTED = 7;
    private static final AuthDataVerifier VERIFIER = new AuthDataVerifier();

    @TempDir
    static Path dir;

    private static AuthDataMaker ep1;
    private static AuthDataMaker ep2;
    private static VerifierKeys serverKeys;

    @BeforeAll
    static void devices() throws Exception {
        Pkcs12KeySource keys1 = Pkcs12KeySource.openOrCreate(dir.resolve("ep-1.p12"), "pw".toCharArray(), "ep-1",
                MASTER);
        Pkcs12KeySource keys2 = Pkcs12KeySource.openOrCreate(dir.resolve("ep-2.p12"), "pw".toCharArray(), "ep-2",
                MASTER);
        ep1 = new AuthDataMaker(keys1);
        ep2 = new AuthDataMaker(keys2);
        // Both device certificates are trusted: ep-2 is a genuine device of the same fleet.
        List<X509Certificate> anchors = List.of(keys1.signingKey("default").chain().get(0),
                keys2.signingKey("default").chain().get(0));
        serverKeys = VerifierKeys.fleet(MASTER, anchors);
    }

    private static AuthClaims claims(String endpoint, String value, byte[] nonce, long counter) {
        return new AuthClaims(endpoint, "/16/0", 1, value, nonce, NOW, counter);
    }

    /** What the server expects of the second challenge. */
    private static Verdict verifyAsSecondChallenge(byte[] authData, AuthService service) {
        return VERIFIER.verify(authData, new Expectation("ep-1", "/16/0", 1, "ACME", NONCE_2, ACCEPTED, service),
                serverKeys);
    }

    @ParameterizedTest
    @EnumSource(value = AuthService.class, names = { "SIGN", "MAC" })
    void each_replay_or_tampering_is_refused_with_its_own_reason(AuthService service) throws Exception {
        byte[] first = ep1.make(claims("ep-1", "ACME", NONCE_1, ACCEPTED), service, null);
        assertThat(VERIFIER.verify(first, new Expectation("ep-1", "/16/0", 1, "ACME", NONCE_1, 6, service),
                serverKeys).accepted()).as("the first answer").isTrue();
        byte[] fresh = ep1.make(claims("ep-1", "ACME", NONCE_2, ACCEPTED + 1), service, null);
        assertThat(verifyAsSecondChallenge(fresh, service).accepted()).as("the right answer").isTrue();

        List<Verdict.Reason> reasons = new ArrayList<>();
        reasons.add(assertRefused(verifyAsSecondChallenge(first, service), Verdict.Reason.REPLAYED_AUTH_DATA,
                "AuthData used before: nonce does not match the one sent and counter 7 is not above the last "
                        + "accepted 7"));
        byte[] otherDevice = ep2.make(claims("ep-2", "ACME", NONCE_2, ACCEPTED + 1), service, null);
        reasons.add(assertRefused(verifyAsSecondChallenge(otherDevice, service), Verdict.Reason.OTHER_DEVICE,
                service == AuthService.SIGN ? "certificate CN=ep-2 does not name endpoint ep-1"
                        : "MAC made with the key of endpoint ep-2, not ep-1"));
        byte[] changed = fresh.clone();
        changed[changed.length - 1] ^= 0x01; // in the signature or the tag
        reasons.add(assertRefused(verifyAsSecondChallenge(changed, service),
                service == AuthService.SIGN ? Verdict.Reason.BAD_SIGNATURE : Verdict.Reason.BAD_MAC,
                service == AuthService.SIGN ? "signature does not verify" : "MAC does not match"));
        byte[] oldNonce = ep1.make(claims("ep-1", "ACME", NONCE_1, ACCEPTED + 1), service, null);
        reasons.add(assertRefused(verifyAsSecondChallenge(oldNonce, service), Verdict.Reason.NONCE_MISMATCH,
                "nonce does not match the one sent"));
        byte[] oldCounter = ep1.make(claims("ep-1", "ACME", NONCE_2, ACCEPTED), service, null);
        reasons.add(assertRefused(verifyAsSecondChallenge(oldCounter, service), Verdict.Reason.REPLAYED_COUNTER,
                "counter 7 is not above the last accepted 7"));
        byte[] otherValue = ep1.make(claims("ep-1", "GLOBEX", NONCE_2, ACCEPTED + 1), service, null);
        reasons.add(assertRefused(verifyAsSecondChallenge(otherValue, service),
                Verdict.Reason.IDENTITY_VALUE_MISMATCH, "Identity value differs from the one the device reports"));

        assertThat(reasons).doesNotHaveDuplicates();
    }

    @Test
    void encrypted_auth_data_of_another_device_cannot_be_told_from_a_damaged_one() throws Exception {
        byte[] fresh = ep1.make(claims("ep-1", "ACME", NONCE_2, ACCEPTED + 1), AuthService.ENCRYPT, null);
        byte[] changed = fresh.clone();
        changed[changed.length - 1] ^= 0x01;
        byte[] otherDevice = ep2.make(claims("ep-2", "ACME", NONCE_2, ACCEPTED + 1), AuthService.ENCRYPT, null);

        assertThat(verifyAsSecondChallenge(fresh, AuthService.ENCRYPT).accepted()).isTrue();
        assertThat(verifyAsSecondChallenge(changed, AuthService.ENCRYPT).reason())
                .isEqualTo(Verdict.Reason.DECRYPTION_FAILED);
        assertThat(verifyAsSecondChallenge(otherDevice, AuthService.ENCRYPT).reason())
                .isEqualTo(Verdict.Reason.DECRYPTION_FAILED);
    }

    @Test
    void another_devices_auth_data_with_a_changed_byte_is_a_bad_mac() throws Exception {
        // Its claims name ep-2, but ep-2's key no longer verifies it either: damaged, not merely misplaced.
        byte[] otherDevice = ep2.make(claims("ep-2", "ACME", NONCE_2, ACCEPTED + 1), AuthService.MAC, null);
        otherDevice[otherDevice.length - 1] ^= 0x01;

        assertRefused(verifyAsSecondChallenge(otherDevice, AuthService.MAC), Verdict.Reason.BAD_MAC,
                "MAC does not match");
    }

    @Test
    void claims_about_another_endpoint_made_with_the_devices_own_key_are_an_endpoint_mismatch() throws Exception {
        byte[] aboutEp2 = ep1.make(claims("ep-2", "ACME", NONCE_2, ACCEPTED + 1), AuthService.MAC, null);

        assertRefused(verifyAsSecondChallenge(aboutEp2, AuthService.MAC), Verdict.Reason.ENDPOINT_MISMATCH,
                "endpoint is 'ep-2', expected 'ep-1'");
    }

    private static Verdict.Reason assertRefused(Verdict verdict, Verdict.Reason reason, String message) {
        assertThat(verdict.accepted()).isFalse();
        assertThat(verdict.reason()).as(verdict.message()).isEqualTo(reason);
        assertThat(verdict.message()).isEqualTo(message);
        return verdict.reason();
    }
}
