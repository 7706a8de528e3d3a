package io.github.lwm2mportfolio.core.keys;

import io.github.lwm2mportfolio.core.auth.KeyDerivation;
import io.github.lwm2mportfolio.core.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client keys in a password-protected PKCS#12 file, created on first use. For a key identifier
 * {@code id}: the signing key and its certificate chain under alias {@code id}, the HMAC key under
 * {@code id-mac}, the AES key under {@code id-enc}. All entries are read once at open and kept in
 * memory, because unlocking a PKCS#12 entry costs a password-based key derivation.
 */
public final class Pkcs12KeySource implements KeySource {

    /** The key identifier of the keys made on first use. */
    public static final String DEFAULT_KEY_ID = "default";
    public static final String MAC_SUFFIX = "-mac";
    public static final String ENCRYPTION_SUFFIX = "-enc";

    public static final int MAC_KEY_BYTES = 32;
    public static final int ENCRYPTION_KEY_BYTES = 16;
    private static final Duration VALIDITY = Duration.ofDays(3653);
    private static final Logger LOG = LoggerFactory.getLogger(Pkcs12KeySource.class);

    private final Path file;
    private final Map<String, SigningKey> signingKeys;
    private final Map<String, SecretKey> secretKeys;

    private Pkcs12KeySource(Path file, Map<String, SigningKey> signingKeys, Map<String, SecretKey> secretKeys) {
        this.file = file;
        this.signingKeys = signingKeys;
        this.secretKeys = secretKeys;
    }

    /**
     * Opens the key store at {@code file}, or creates it when absent: an EC P-256 key with a
     * self-signed certificate (CN = endpoint, 10 years), a 32-byte HMAC key and a 16-byte AES key,
     * all under key identifier "default". With a fleet master key the HMAC and AES keys are derived
     * from it ({@link KeyDerivation}), so that servers holding the master key can check them;
     * without one they are random. A new file is written atomically.
     *
     * @param fleetMasterKeyOrNull the fleet master key, or null for random shared keys
     */
    public static Pkcs12KeySource openOrCreate(Path file, char[] password, String endpoint,
            byte[] fleetMasterKeyOrNull) throws KeyUnavailableException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(endpoint, "endpoint");
        if (Files.exists(file)) {
            Pkcs12KeySource source = open(file, password);
            source.warnIfNotDerived(endpoint, fleetMasterKeyOrNull);
            return source;
        }
        return create(file, password, endpoint, fleetMasterKeyOrNull);
    }

    /** Opens an existing key store. */
    public static Pkcs12KeySource open(Path file, char[] password) throws KeyUnavailableException {
        KeyStore store;
        try (InputStream in = Files.newInputStream(file)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (IOException e) {
            if (causedByWrongPassword(e)) {
                throw new KeyUnavailableException(KeyUnavailableException.Reason.WRONG_PASSWORD,
                        "wrong password for key store " + file, e);
            }
            throw new KeyUnavailableException(KeyUnavailableException.Reason.STORE_UNREADABLE,
                    "cannot read key store " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyUnavailableException(KeyUnavailableException.Reason.STORE_UNREADABLE,
                    "cannot read key store " + file + ": " + e.getMessage(), e);
        }
        Map<String, SigningKey> signing = new HashMap<>();
        Map<String, SecretKey> secrets = new HashMap<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                Key key = store.getKey(alias, password);
                if (key instanceof PrivateKey) {
                    List<X509Certificate> chain = chain(store.getCertificateChain(alias));
                    signing.put(alias, new SigningKey(alias, (PrivateKey) key, chain));
                } else if (key instanceof SecretKey) {
                    secrets.put(alias, normalise(alias, (SecretKey) key));
                }
            }
        } catch (UnrecoverableKeyException e) {
            throw new KeyUnavailableException(KeyUnavailableException.Reason.WRONG_PASSWORD,
                    "wrong password for an entry of key store " + file, e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyUnavailableException(KeyUnavailableException.Reason.STORE_UNREADABLE,
                    "cannot read the entries of key store " + file + ": " + e.getMessage(), e);
        }
        return new Pkcs12KeySource(file, Collections.unmodifiableMap(signing), Collections.unmodifiableMap(secrets));
    }

    /** The key store file. */
    public Path file() {
        return file;
    }

    /**
     * "default", or the identifier of the one signing key of a store without one (a store whose keys are named
     * after the fleet secret they derive from, see {@link #store}).
     */
    @Override
    public String defaultKeyId() {
        return signingKeys.size() == 1 && !signingKeys.containsKey(DEFAULT_KEY_ID)
                ? signingKeys.keySet().iterator().next()
                : DEFAULT_KEY_ID;
    }

    @Override
    public SigningKey signingKey(String keyId) throws KeyUnavailableException {
        SigningKey key = signingKeys.get(keyId);
        if (key == null) {
            throw missing("signing key", keyId);
        }
        return key;
    }

    @Override
    public SecretKey macKey(String keyId) throws KeyUnavailableException {
        SecretKey key = secretKeys.get(keyId + MAC_SUFFIX);
        if (key == null) {
            throw missing("MAC key", keyId + MAC_SUFFIX);
        }
        return key;
    }

    @Override
    public SecretKey encryptionKey(String keyId) throws KeyUnavailableException {
        SecretKey key = secretKeys.get(keyId + ENCRYPTION_SUFFIX);
        if (key == null) {
            throw missing("encryption key", keyId + ENCRYPTION_SUFFIX);
        }
        return key;
    }

    @Override
    public String toString() {
        return "Pkcs12KeySource[" + file + "]";
    }

    private KeyUnavailableException missing(String what, String alias) {
        if (signingKeys.containsKey(alias) || secretKeys.containsKey(alias)) {
            return new KeyUnavailableException(KeyUnavailableException.Reason.WRONG_TYPE,
                    "entry '" + alias + "' in key store " + file + " is not a " + what);
        }
        return new KeyUnavailableException(KeyUnavailableException.Reason.NOT_FOUND,
                "no " + what + " '" + alias + "' in key store " + file);
    }

    private static Pkcs12KeySource create(Path file, char[] password, String endpoint, byte[] master)
            throws KeyUnavailableException {
        SecureRandom random = new SecureRandom();
        byte[] macBytes = master != null
                ? KeyDerivation.deriveDeviceKey(master, endpoint, KeyDerivation.PURPOSE_MAC, MAC_KEY_BYTES)
                : randomBytes(random, MAC_KEY_BYTES);
        byte[] encBytes = master != null
                ? KeyDerivation.deriveDeviceKey(master, endpoint, KeyDerivation.PURPOSE_ENCRYPT, ENCRYPTION_KEY_BYTES)
                : randomBytes(random, ENCRYPTION_KEY_BYTES);
        SecretKey macKey = new SecretKeySpec(macBytes, "HmacSHA256");
        SecretKey encKey = new SecretKeySpec(encBytes, "AES");
        Arrays.fill(macBytes, (byte) 0);
        Arrays.fill(encBytes, (byte) 0);
        try {
            KeyPair pair = SelfSignedCertificates.newP256KeyPair(random);
            X509Certificate certificate = SelfSignedCertificates.create(pair, endpoint, VALIDITY, random);
            SigningKey signing = new SigningKey(DEFAULT_KEY_ID, pair.getPrivate(), List.of(certificate));
            Pkcs12KeySource source = store(file, password, signing, macKey, encKey);
            LOG.debug("created key store {} with a new P-256 key for endpoint {} ({} shared keys)", file, endpoint,
                    master != null ? "derived" : "random");
            return source;
        } catch (GeneralSecurityException e) {
            throw new KeyUnavailableException(KeyUnavailableException.Reason.STORE_ERROR,
                    "cannot make the keys for key store " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a new key store (atomically, owner-only) with these keys under the signing key's identifier, in the
     * layout {@link #open} reads: for keys issued elsewhere, e.g. by a fleet CA.
     */
    public static Pkcs12KeySource store(Path file, char[] password, SigningKey signing, SecretKey macKey,
            SecretKey encryptionKey) throws KeyUnavailableException {
        String id = signing.keyId();
        byte[] encoded;
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            KeyStore.PasswordProtection protection = new KeyStore.PasswordProtection(password);
            store.setKeyEntry(id, signing.key(), password, signing.chain().toArray(Certificate[]::new));
            store.setEntry(id + MAC_SUFFIX, new KeyStore.SecretKeyEntry(macKey), protection);
            store.setEntry(id + ENCRYPTION_SUFFIX, new KeyStore.SecretKeyEntry(encryptionKey), protection);
            ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
            store.store(out, password);
            encoded = out.toByteArray();
        } catch (GeneralSecurityException | IOException e) {
            throw new KeyUnavailableException(KeyUnavailableException.Reason.STORE_ERROR,
                    "cannot make the keys for key store " + file + ": " + e.getMessage(), e);
        }
        writeAtomically(file, encoded);
        return new Pkcs12KeySource(file, Map.of(id, signing),
                Map.of(id + MAC_SUFFIX, macKey, id + ENCRYPTION_SUFFIX, encryptionKey));
    }

    private static void writeAtomically(Path file, byte[] content) throws KeyUnavailableException {
        try {
            AtomicFiles.write(file, content);
        } catch (AtomicMoveNotSupportedException e) {
            throw new KeyUnavailableException(KeyUnavailableException.Reason.STORE_NOT_WRITABLE,
                    "cannot write key store " + file + " atomically: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new KeyUnavailableException(KeyUnavailableException.Reason.STORE_NOT_WRITABLE,
                    "cannot write key store " + file + ": " + e.getMessage(), e);
        }
    }

    private void warnIfNotDerived(String endpoint, byte[] master) {
        if (master == null) {
            return;
        }
        SecretKey mac = secretKeys.get(DEFAULT_KEY_ID + MAC_SUFFIX);
        byte[] stored = mac == null ? null : mac.getEncoded();
        byte[] derived = KeyDerivation.deriveDeviceKey(master, endpoint, KeyDerivation.PURPOSE_MAC, MAC_KEY_BYTES);
        if (stored != null && !MessageDigest.isEqual(stored, derived)) {
            LOG.warn("key store {} holds shared keys not derived from the fleet master key for endpoint {}:"
                    + " servers that use the master key will refuse its mac and encrypt AuthData", file, endpoint);
        }
        Arrays.fill(derived, (byte) 0);
        if (stored != null) {
            Arrays.fill(stored, (byte) 0);
        }
    }

    // PKCS#12 may hand secret keys back under an OID or a PBE name; label them for the JCA.
    private static SecretKey normalise(String alias, SecretKey key) {
        String wanted = alias.endsWith(MAC_SUFFIX) ? "HmacSHA256" : alias.endsWith(ENCRYPTION_SUFFIX) ? "AES" : null;
        if (wanted == null || key.getAlgorithm().equalsIgnoreCase(wanted)) {
            return key;
        }
        byte[] raw = key.getEncoded();
        if (raw == null) {
            return key;
        }
        SecretKey relabelled = new SecretKeySpec(raw, wanted);
        Arrays.fill(raw, (byte) 0);
        return relabelled;
    }

    private static List<X509Certificate> chain(Certificate[] certificates) {
        if (certificates == null) {
            return List.of();
        }
        List<X509Certificate> out = new ArrayList<>(certificates.length);
        for (Certificate c : certificates) {
            if (c instanceof X509Certificate) {
                out.add((X509Certificate) c);
            }
        }
        return out;
    }

    private static boolean causedByWrongPassword(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnrecoverableKeyException) {
                return true;
            }
        }
        return false;
    }

    private static byte[] randomBytes(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
