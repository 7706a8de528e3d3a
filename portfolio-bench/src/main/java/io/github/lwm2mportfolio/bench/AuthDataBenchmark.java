package io.github.lwm2mportfolio.bench;

import io.github.lwm2mportfolio.core.auth.AuthClaims;
import io.github.lwm2mportfolio.core.auth.AuthDataMaker;
import io.github.lwm2mportfolio.core.auth.AuthDataVerifier;
import io.github.lwm2mportfolio.core.cose.FastEcdsa;
import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.core.auth.Expectation;
import io.github.lwm2mportfolio.core.auth.Verdict;
import io.github.lwm2mportfolio.core.auth.VerifierKeys;
import io.github.lwm2mportfolio.core.keys.KeySource;
import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import io.github.lwm2mportfolio.core.keys.SigningKey;
import io.github.lwm2mportfolio.server.ServerKeys;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * AuthData make and verify beside the one JCA primitive each of them is built on, run on the encoded
 * claims: the practical limit, since no AuthData can be cheaper than its cryptography. ours/raw =
 * {@code make / rawMake} and {@code verify / rawVerify} per service.
 * <ul>
 * <li>{@code make}: {@link AuthDataMaker#make} with a {@link Pkcs12KeySource}, claims encoding included.</li>
 * <li>{@code verify}: {@link AuthDataVerifier#verify} with the server's production keys ({@link ServerKeys}):
 * sign checks the x5chain against the trust anchors, mac and encrypt derive the device key from the fleet
 * master key (HKDF) on every call.</li>
 * <li>{@code verifyPinned}: the same with a pinned public key and ready-made shared keys, which isolates the
 * COSE and claims work from the key lookup.</li>
 * <li>{@code rawMake}/{@code rawVerify}: one engine per thread, initialised for every operation as a real
 * caller must (a fresh 12-byte IV for GCM).</li>
 * <li>{@code rawMakeGetInstance}: {@code rawMake} with a new engine per operation; the difference is what
 * {@code getInstance} costs a caller that does not keep its engine (the same for make and verify).</li>
 * </ul>
 * Warm-up is 2 x 3 s: on the shared 2-core machine the elliptic-curve code needs about 5 s to be compiled.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class AuthDataBenchmark {

    static final String SIGNATURE = "SHA256withECDSA";
    static final String HMAC = "HmacSHA256";
    static final String GCM = "AES/GCM/NoPadding";
    static final int GCM_TAG_BITS = 128;
    static final String ENDPOINT = "meter-0042";
    static final String INSTANCE = "/16/0";
    static final int IDENTITY_ID = 3;
    static final String IDENTITY_VALUE = "4.2.1";
    static final long COUNTER = 1234;

    @Param({"sign", "mac", "encrypt"})
    public String service;

    private Path directory;
    private AuthService authService;
    private AuthClaims claims;
    private AuthDataMaker maker;
    private AuthDataVerifier verifier;
    private byte[] authData;
    private Expectation expectation;
    private VerifierKeys serverKeys;
    private VerifierKeys pinnedKeys;

    // The raw side: the same keys and the encoded claims, plus one output of each primitive to check.
    private byte[] claimsBytes;
    private PrivateKey privateKey;
    private PublicKey publicKey;
    private SecretKey macKey;
    private SecretKey aesKey;
    private byte[] rawSignature;
    private byte[] rawTag;
    private byte[] rawIv;
    private byte[] rawCiphertext;

    /** The engines a real caller keeps: one set per thread, as JCA engines are not thread-safe. */
    @State(Scope.Thread)
    public static class Engines {
        final SecureRandom random = new SecureRandom();
        final byte[] iv = new byte[12];
        Signature signature;
        Mac mac;
        Cipher cipher;

        @Setup(Level.Trial)
        public void create() throws GeneralSecurityException {
            // The provider ours signs and verifies with (Bouncy Castle, see FastEcdsa): the practical limit.
            signature = Signature.getInstance(SIGNATURE, FastEcdsa.PROVIDER);
            mac = Mac.getInstance(HMAC);
            cipher = Cipher.getInstance(GCM);
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        directory = TempDirectory.create("auth");
        SecureRandom random = new SecureRandom();
        byte[] master = new byte[32];
        random.nextBytes(master);
        // Derived shared keys, so that the server's master key checks them, as in a real fleet.
        KeySource keys = Pkcs12KeySource.openOrCreate(directory.resolve("keys.p12"), "bench".toCharArray(), ENDPOINT,
                master);
        SigningKey signing = keys.signingKey(keys.defaultKeyId());
        X509Certificate certificate = signing.chain().get(0);
        privateKey = signing.key();
        publicKey = certificate.getPublicKey();
        macKey = keys.macKey(keys.defaultKeyId());
        aesKey = keys.encryptionKey(keys.defaultKeyId());

        authService = AuthService.fromArgument(service);
        byte[] nonce = null;
        if (authService.needsNonce()) {
            nonce = new byte[16];
            random.nextBytes(nonce);
        }
        claims = new AuthClaims(ENDPOINT, INSTANCE, IDENTITY_ID, IDENTITY_VALUE, nonce, Instant.now().getEpochSecond(),
                COUNTER);
        claimsBytes = claims.encode();
        maker = new AuthDataMaker(keys);
        authData = maker.make(claims, authService, null);

        expectation = new Expectation(ENDPOINT, INSTANCE, IDENTITY_ID, IDENTITY_VALUE, nonce, COUNTER - 1,
                authService);
        ServerKeys production = new ServerKeys(master);
        production.trust(certificate);
        serverKeys = production;
        pinnedKeys = new PinnedKeys(publicKey, macKey, aesKey);
        verifier = new AuthDataVerifier();
        // A rejection takes a shorter path: measuring one by mistake would flatter the verifier.
        requireAccepted(verifier.verify(authData, expectation, serverKeys));
        requireAccepted(verifier.verify(authData, expectation, pinnedKeys));

        Engines engines = new Engines();
        engines.create();
        rawSignature = sign(engines.signature);
        rawTag = mac(engines.mac);
        rawIv = new byte[12];
        random.nextBytes(rawIv);
        engines.cipher.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(GCM_TAG_BITS, rawIv));
        rawCiphertext = engines.cipher.doFinal(claimsBytes);
        Object checked = rawVerify(engines);
        if (checked instanceof byte[] plaintext ? !Arrays.equals(plaintext, claimsBytes) : !(Boolean) checked) {
            throw new IllegalStateException("the raw " + service + " check fails on its own output");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        TempDirectory.delete(directory);
    }

    // ---- ours

    @Benchmark
    public byte[] make() throws Exception {
        return maker.make(claims, authService, null);
    }

    @Benchmark
    public Verdict verify() {
        return verifier.verify(authData, expectation, serverKeys);
    }

    @Benchmark
    public Verdict verifyPinned() {
        return verifier.verify(authData, expectation, pinnedKeys);
    }

    // ---- raw JCA, one engine per thread

    @Benchmark
    public byte[] rawMake(Engines e) throws GeneralSecurityException {
        return switch (authService) {
            case SIGN -> sign(e.signature);
            case MAC -> mac(e.mac);
            case ENCRYPT -> encrypt(e.cipher, e);
        };
    }

    /** Returns whether the signature or tag checks, or the plaintext (GCM throws on a bad tag). */
    @Benchmark
    public Object rawVerify(Engines e) throws GeneralSecurityException {
        return switch (authService) {
            case SIGN -> verifySignature(e.signature);
            case MAC -> verifyMac(e.mac);
            case ENCRYPT -> decrypt(e.cipher);
        };
    }

    // ---- raw JCA, a new engine for every call: the cost of not keeping one

    @Benchmark
    public byte[] rawMakeGetInstance(Engines e) throws GeneralSecurityException {
        return switch (authService) {
            case SIGN -> sign(Signature.getInstance(SIGNATURE, FastEcdsa.PROVIDER));
            case MAC -> mac(Mac.getInstance(HMAC));
            case ENCRYPT -> encrypt(Cipher.getInstance(GCM), e);
        };
    }

    private byte[] sign(Signature signature) throws GeneralSecurityException {
        signature.initSign(privateKey);
        signature.update(claimsBytes);
        return signature.sign();
    }

    private boolean verifySignature(Signature signature) throws GeneralSecurityException {
        signature.initVerify(publicKey);
        signature.update(claimsBytes);
        return signature.verify(rawSignature);
    }

    private byte[] mac(Mac mac) throws GeneralSecurityException {
        mac.init(macKey);
        return mac.doFinal(claimsBytes);
    }

    private boolean verifyMac(Mac mac) throws GeneralSecurityException {
        mac.init(macKey);
        return MessageDigest.isEqual(mac.doFinal(claimsBytes), rawTag);
    }

    private byte[] encrypt(Cipher cipher, Engines e) throws GeneralSecurityException {
        // GCM must never see a key and IV twice; the JDK refuses a repeated pair on the same engine.
        e.random.nextBytes(e.iv);
        cipher.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(GCM_TAG_BITS, e.iv));
        return cipher.doFinal(claimsBytes);
    }

    private byte[] decrypt(Cipher cipher) throws GeneralSecurityException {
        cipher.init(Cipher.DECRYPT_MODE, aesKey, new GCMParameterSpec(GCM_TAG_BITS, rawIv));
        return cipher.doFinal(rawCiphertext);
    }

    private static void requireAccepted(Verdict verdict) {
        if (!verdict.accepted()) {
            throw new IllegalStateException("the benchmark's AuthData is refused: " + verdict.reason() + " "
                    + verdict.message());
        }
    }

    /** A public key pinned for the device and its shared keys ready-made: no chain check, no derivation. */
    private record PinnedKeys(PublicKey signing, SecretKey mac, SecretKey encryption) implements VerifierKeys {

        @Override
        public List<X509Certificate> trustAnchors() {
            return List.of();
        }

        @Override
        public Optional<PublicKey> pinnedSigningKey(String endpoint, byte[] kid) {
            return Optional.of(signing);
        }

        @Override
        public Optional<SecretKey> macKey(String endpoint, byte[] kid) {
            return Optional.of(mac);
        }

        @Override
        public Optional<SecretKey> encryptionKey(String endpoint, byte[] kid) {
            return Optional.of(encryption);
        }
    }
}
