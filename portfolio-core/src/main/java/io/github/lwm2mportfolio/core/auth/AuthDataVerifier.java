package io.github.lwm2mportfolio.core.auth;

import io.github.lwm2mportfolio.core.cose.ConstantTime;
import io.github.lwm2mportfolio.core.cose.CoseAlgorithm;
import io.github.lwm2mportfolio.core.cose.CoseEncrypt0;
import io.github.lwm2mportfolio.core.cose.CoseException;
import io.github.lwm2mportfolio.core.cose.CoseMac0;
import io.github.lwm2mportfolio.core.cose.CoseMessage;
import io.github.lwm2mportfolio.core.cose.CoseSign1;
import io.github.lwm2mportfolio.core.cose.CoseStructure;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.SecretKey;

/**
 * Checks AuthData values for a server: the COSE cryptography (signature with a pinned key or an
 * x5chain anchored in the server's trust anchors, MAC, or decryption), then the claims against what
 * the server expects, in a fixed order. Never throws for bad input: every refusal is a
 * {@link Verdict} with its reason. Thread-safe; it remembers only which certificate chains it found
 * anchored. The caller keeps the last accepted counter per device and stores the new one after an
 * accepted verdict.
 */
public final class AuthDataVerifier {

    private static final byte[] NO_AAD = new byte[0];

    private final AnchoredChains chains;

    public AuthDataVerifier() {
        this(Clock.systemUTC());
    }

    /** @param clock the time certificate validity is checked at */
    public AuthDataVerifier(Clock clock) {
        this.chains = new AnchoredChains(clock);
    }

    /** Checks one AuthData value; see {@link Verdict.Reason} for the order of the checks. */
    public Verdict verify(byte[] authData, Expectation expected, VerifierKeys keys) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(keys, "keys");
        Optional<CoseStructure> structure = CoseStructure.ofTaggedMessage(authData);
        if (structure.isEmpty()) {
            return Verdict.reject(Verdict.Reason.MALFORMED, authData == null || authData.length == 0
                    ? "AuthData is empty"
                    : "AuthData is not a tagged COSE_Sign1, COSE_Mac0 or COSE_Encrypt0 message", null, null);
        }
        AuthService service = AuthService.of(structure.get());
        if (expected.service() != null && expected.service() != service) {
            return Verdict.reject(Verdict.Reason.SERVICE_MISMATCH, "AuthData was made with " + service
                    + ", the server asked for " + expected.service(), service, null);
        }
        Step step = new Step(service);
        byte[] content = switch (service) {
            case SIGN -> checkSignature(authData, expected, keys, step);
            case MAC -> checkMac(authData, expected, keys, step);
            case ENCRYPT -> decrypt(authData, expected, keys, step);
        };
        if (content == null) {
            return step.verdict;
        }
        AuthClaims claims;
        try {
            claims = AuthClaims.decode(content);
        } catch (AuthDataException e) {
            return Verdict.reject(Verdict.Reason.BAD_CLAIMS, e.getMessage(), service, null);
        }
        return checkClaims(claims, expected, service);
    }

    private byte[] checkSignature(byte[] authData, Expectation expected, VerifierKeys keys, Step step) {
        CoseMessage message = step.parse(CoseSign1::parse, authData);
        if (message == null || !step.allowed(message.algorithm())) {
            return null;
        }
        byte[] kid = message.kid().orElse(null);
        Optional<PublicKey> pinned;
        try {
            pinned = keys.pinnedSigningKey(expected.endpoint(), kid);
        } catch (RuntimeException e) {
            return step.fail(Verdict.Reason.KEY_UNAVAILABLE, "signing key lookup failed: " + e.getMessage());
        }
        PublicKey key;
        if (pinned.isPresent()) {
            key = pinned.get();
        } else {
            List<X509Certificate> chain;
            try {
                chain = message.x5chain();
            } catch (CoseException e) {
                return step.fail(Verdict.Reason.MALFORMED, e.getMessage());
            }
            if (chain.isEmpty()) {
                return step.fail(Verdict.Reason.UNTRUSTED_SIGNER, "no x5chain in the message and no pinned key for "
                        + "endpoint " + expected.endpoint());
            }
            String problem = chains.problem(chain, keys.trustAnchors());
            if (problem != null) {
                return step.fail(Verdict.Reason.UNTRUSTED_SIGNER, problem);
            }
            if (!keys.certificateNamesEndpoint(chain.get(0), expected.endpoint())) {
                return step.fail(Verdict.Reason.OTHER_DEVICE, "certificate " + chain.get(0)
                        .getSubjectX500Principal().getName() + " does not name endpoint " + expected.endpoint());
            }
            for (X509Certificate certificate : chain) {
                Optional<String> revoked = keys.revocation(certificate);
                if (revoked.isPresent()) {
                    return step.fail(Verdict.Reason.UNTRUSTED_SIGNER, "certificate " + certificate
                            .getSubjectX500Principal().getName() + " is revoked: " + revoked.get());
                }
            }
            key = chain.get(0).getPublicKey();
        }
        try {
            CoseSign1.verify(message, key, NO_AAD);
        } catch (CoseException e) {
            return step.fail(Verdict.Reason.BAD_SIGNATURE, e.getMessage());
        }
        return message.payload();
    }

    private byte[] checkMac(byte[] authData, Expectation expected, VerifierKeys keys, Step step) {
        CoseMessage message = step.parse(CoseMac0::parse, authData);
        if (message == null || !step.allowed(message.algorithm())) {
            return null;
        }
        SecretKey key = step.lookup(() -> keys.macKey(expected.endpoint(), message.kid().orElse(null)),
                "MAC key", expected.endpoint());
        if (key == null) {
            return null;
        }
        try {
            CoseMac0.verify(message, key, NO_AAD);
        } catch (CoseException e) {
            String otherDevice = otherDeviceMac(message, expected, keys);
            return otherDevice != null ? step.fail(Verdict.Reason.OTHER_DEVICE, "MAC made with the key of endpoint "
                    + otherDevice + ", not " + expected.endpoint()) : step.fail(Verdict.Reason.BAD_MAC, e.getMessage());
        }
        return message.payload();
    }

    /**
     * The endpoint whose key made this MAC, when its (not yet trusted) claims name another endpoint and that
     * endpoint's key verifies it; null otherwise. Tells another device's AuthData from a damaged one.
     */
    private static String otherDeviceMac(CoseMessage message, Expectation expected, VerifierKeys keys) {
        try {
            String named = AuthClaims.decode(message.payload()).endpoint();
            if (named.equals(expected.endpoint())) {
                return null;
            }
            Optional<SecretKey> key = keys.macKey(named, message.kid().orElse(null));
            if (key == null || key.isEmpty()) {
                return null;
            }
            CoseMac0.verify(message, key.get(), NO_AAD);
            return named;
        } catch (AuthDataException | CoseException | RuntimeException e) {
            return null;
        }
    }

    private byte[] decrypt(byte[] authData, Expectation expected, VerifierKeys keys, Step step) {
        CoseMessage message = step.parse(CoseEncrypt0::parse, authData);
        if (message == null || !step.allowed(message.algorithm())) {
            return null;
        }
        SecretKey key = step.lookup(() -> keys.encryptionKey(expected.endpoint(), message.kid().orElse(null)),
                "encryption key", expected.endpoint());
        if (key == null) {
            return null;
        }
        try {
            return CoseEncrypt0.decrypt(message, key, NO_AAD).payload();
        } catch (CoseException e) {
            return step.fail(Verdict.Reason.DECRYPTION_FAILED, e.getMessage());
        }
    }

    private static Verdict checkClaims(AuthClaims claims, Expectation expected, AuthService service) {
        String nonceProblem = nonceProblem(expected.nonceRef(), claims.nonceRef());
        if (nonceProblem != null) {
            // An old nonce with a counter already accepted: the whole value was used before.
            return claims.counter() <= expected.lastCounter()
                    ? Verdict.reject(Verdict.Reason.REPLAYED_AUTH_DATA, "AuthData used before: " + nonceProblem
                            + " and counter " + claims.counter() + " is not above the last accepted "
                            + expected.lastCounter(), service, claims)
                    : Verdict.reject(Verdict.Reason.NONCE_MISMATCH, nonceProblem, service, claims);
        }
        if (!claims.endpoint().equals(expected.endpoint())) {
            return Verdict.reject(Verdict.Reason.ENDPOINT_MISMATCH, "endpoint is '" + claims.endpoint()
                    + "', expected '" + expected.endpoint() + "'", service, claims);
        }
        if (!claims.instancePath().equals(expected.instancePath())) {
            return Verdict.reject(Verdict.Reason.PATH_MISMATCH, "instance path is '" + claims.instancePath()
                    + "', expected '" + expected.instancePath() + "'", service, claims);
        }
        if (claims.identityId() != expected.identityId()) {
            return Verdict.reject(Verdict.Reason.IDENTITY_ID_MISMATCH, "Identity instance ID is "
                    + claims.identityId() + ", expected " + expected.identityId(), service, claims);
        }
        // The values are not echoed: an Identity value may identify a person.
        if (!claims.identityValue().equals(expected.identityValue())) {
            return Verdict.reject(Verdict.Reason.IDENTITY_VALUE_MISMATCH,
                    "Identity value differs from the one the device reports", service, claims);
        }
        if (claims.counter() <= expected.lastCounter()) {
            return Verdict.reject(Verdict.Reason.REPLAYED_COUNTER, "counter " + claims.counter()
                    + " is not above the last accepted " + expected.lastCounter(), service, claims);
        }
        return Verdict.accept(service, claims);
    }

    private static String nonceProblem(byte[] sent, byte[] got) {
        if (sent == null && got != null) {
            return "AuthData carries a nonce but none was sent";
        }
        if (sent != null && got == null) {
            return "AuthData carries no nonce";
        }
        if (sent != null && !ConstantTime.equal(sent, got)) {
            return "nonce does not match the one sent";
        }
        return null;
    }

    /** Allowed algorithms per service: no truncated MAC; every GCM and CCM variant (OSCORE uses CCM). */
    static boolean allowed(AuthService service, CoseAlgorithm alg) {
        return switch (service) {
            case SIGN -> true;
            case MAC -> alg != CoseAlgorithm.HMAC_256_64;
            case ENCRYPT -> true;
        };
    }

    @FunctionalInterface
    private interface Parser {
        CoseMessage parse(byte[] message) throws CoseException;
    }

    /** Carries the verdict of the crypto phase when one of its checks fails. */
    private static final class Step {
        private final AuthService service;
        private Verdict verdict;

        Step(AuthService service) {
            this.service = service;
        }

        CoseMessage parse(Parser parser, byte[] authData) {
            try {
                return parser.parse(authData);
            } catch (CoseException e) {
                fail(Verdict.Reason.MALFORMED, e.getMessage());
                return null;
            }
        }

        boolean allowed(CoseAlgorithm alg) {
            if (AuthDataVerifier.allowed(service, alg)) {
                return true;
            }
            fail(Verdict.Reason.ALGORITHM_NOT_ALLOWED, "algorithm " + alg + " is not accepted for " + service);
            return false;
        }

        SecretKey lookup(Supplier<Optional<SecretKey>> lookup, String what, String endpoint) {
            Optional<SecretKey> key;
            try {
                key = lookup.get();
            } catch (RuntimeException e) {
                fail(Verdict.Reason.KEY_UNAVAILABLE, what + " lookup failed: " + e.getMessage());
                return null;
            }
            if (key == null || key.isEmpty()) {
                fail(Verdict.Reason.KEY_UNAVAILABLE, "no " + what + " for endpoint " + endpoint);
                return null;
            }
            return key.get();
        }

        byte[] fail(Verdict.Reason reason, String message) {
            verdict = Verdict.reject(reason, message, service, null);
            return null;
        }
    }
}
