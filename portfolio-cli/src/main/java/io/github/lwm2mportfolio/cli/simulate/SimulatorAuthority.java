package io.github.lwm2mportfolio.cli.simulate;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.x500.X500Name;

import io.github.lwm2mportfolio.core.auth.KeyDerivation;
import io.github.lwm2mportfolio.core.keys.CertificateIssuer;
import io.github.lwm2mportfolio.core.keys.KeySource;
import io.github.lwm2mportfolio.core.keys.KeyUnavailableException;
import io.github.lwm2mportfolio.core.keys.Pem;
import io.github.lwm2mportfolio.core.keys.SelfSignedCertificates;
import io.github.lwm2mportfolio.core.keys.SigningKey;

/**
 * Every key of a simulated fleet, made again from one seed: a certificate authority that issues each device's
 * AuthData signing certificate (CN = endpoint), a fleet master key for mac and encrypt, and DTLS pre-shared keys.
 * A server that trusts the authority's certificate ({@code portfolio server --trust DIR}) and holds the master
 * key verifies every simulated device, run after run.
 */
public final class SimulatorAuthority {

    /** Fixed dates, so that the same seed gives the same certificates whatever the day. */
    private static final Instant NOT_BEFORE = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant NOT_AFTER = Instant.parse("2045-01-01T00:00:00Z");

    private final long seed;
    private final KeyPair caKeys;
    private final X509Certificate certificate;
    private final byte[] fleetMasterKey;

    private SimulatorAuthority(long seed) throws GeneralSecurityException {
        this.seed = seed;
        this.caKeys = SelfSignedCertificates.newP256KeyPair(seededRandom("ca"));
        X500Name name = CertificateIssuer.commonName("lwm2m-portfolio simulator CA " + seed);
        this.certificate = CertificateIssuer.issue(new CertificateIssuer.Terms(name, BigInteger.ONE, NOT_BEFORE,
                NOT_AFTER, true), caKeys.getPublic(), name, caKeys.getPrivate());
        this.fleetMasterKey = digest("fleet-master-key");
    }

    public static SimulatorAuthority fromSeed(long seed) {
        try {
            return new SimulatorAuthority(seed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the simulator's authority: " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** Writes the authority's certificate (PEM) into {@code directory}, for a server's trust directory. */
    public Path writeCertificate(Path directory) throws IOException, GeneralSecurityException {
        Files.createDirectories(directory);
        Path file = directory.resolve("simulator-ca-" + seed + ".pem");
        Files.writeString(file, Pem.encode(certificate), StandardCharsets.US_ASCII);
        return file;
    }

    /** The fleet master key (hex) a server needs to verify mac and encrypt AuthData. */
    public String fleetMasterKeyHex() {
        return HexFormat.of().formatHex(fleetMasterKey);
    }

    /** The DTLS pre-shared key of a device (identity: its endpoint name). */
    public byte[] pskKey(String endpoint) {
        byte[] key = new byte[16];
        System.arraycopy(digest("psk/" + endpoint), 0, key, 0, key.length);
        return key;
    }

    /** A device's AuthData keys, made in memory (a signing key costs about a millisecond). */
    public KeySource deviceKeys(String endpoint) throws GeneralSecurityException {
        KeyPair pair = SelfSignedCertificates.newP256KeyPair(seededRandom("device/" + endpoint));
        X509Certificate leaf = CertificateIssuer.issue(new CertificateIssuer.Terms(
                CertificateIssuer.commonName(endpoint), serial(endpoint), NOT_BEFORE, NOT_AFTER, false),
                pair.getPublic(), CertificateIssuer.nameOf(certificate), caKeys.getPrivate());
        SigningKey signing = new SigningKey(KEY_ID, pair.getPrivate(), List.of(leaf));
        SecretKey mac = new SecretKeySpec(KeyDerivation.deriveDeviceKey(fleetMasterKey, endpoint,
                KeyDerivation.PURPOSE_MAC, 32), "HmacSHA256");
        SecretKey encryption = new SecretKeySpec(KeyDerivation.deriveDeviceKey(fleetMasterKey, endpoint,
                KeyDerivation.PURPOSE_ENCRYPT, 16), "AES");
        return new InMemoryKeys(signing, mac, encryption);
    }

    private static final String KEY_ID = "sim";

    /** A device's keys, held in memory only. */
    private record InMemoryKeys(SigningKey signing, SecretKey mac, SecretKey encryption) implements KeySource {
        @Override
        public String defaultKeyId() {
            return KEY_ID;
        }

        @Override
        public SigningKey signingKey(String keyId) throws KeyUnavailableException {
            return check(keyId, signing);
        }

        @Override
        public SecretKey macKey(String keyId) throws KeyUnavailableException {
            return check(keyId, mac);
        }

        @Override
        public SecretKey encryptionKey(String keyId) throws KeyUnavailableException {
            return check(keyId, encryption);
        }

        private static <T> T check(String keyId, T key) throws KeyUnavailableException {
            if (!KEY_ID.equals(keyId)) {
                throw new KeyUnavailableException(KeyUnavailableException.Reason.NOT_FOUND, "no key '" + keyId + "' on this simulated device (it has '"
                        + KEY_ID + "')");
            }
            return key;
        }
    }

    private BigInteger serial(String endpoint) {
        return new BigInteger(1, digest("serial/" + endpoint)).shiftRight(193).add(BigInteger.TWO);
    }

    /** A random source whose output depends only on the seed and the purpose (SHA1PRNG seeded before first use). */
    private SecureRandom seededRandom(String purpose) throws NoSuchAlgorithmException {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(digest(purpose));
        return random;
    }

    private byte[] digest(String purpose) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(("lwm2m-portfolio simulator " + seed + " " + purpose).getBytes(StandardCharsets.UTF_8));
            return sha256.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
