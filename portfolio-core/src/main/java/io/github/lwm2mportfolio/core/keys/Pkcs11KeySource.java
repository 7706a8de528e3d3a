package io.github.lwm2mportfolio.core.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.login.FailedLoginException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.core.auth.KeyDerivation;

/**
 * Client keys in a PKCS#11 token (a secure element, an HSM, SoftHSM2) through the JDK's SunPKCS11 provider. The
 * keys are made inside the token on first use, sensitive and not extractable, and only used there: the P-256
 * signing key (under {@code default}, with a self-signed certificate until a CA's chain replaces it, see
 * {@link CertifiedKeySource}), the HMAC key ({@code default-mac}) and the AES-128 key for AES-GCM
 * ({@code default-enc}). With a fleet master key the two shared keys are derived and imported once, so that
 * servers can check them; without one they are generated in the token.
 *
 * <p>The token is reached lazily and again after a failure: a wrong PIN, a missing library or a token taken away
 * make each key request fail with the reason ({@link KeyUnavailableException}), never the client's start, and a
 * token put back serves again.
 */
public final class Pkcs11KeySource implements KeySource {

    private static final Logger LOG = LoggerFactory.getLogger(Pkcs11KeySource.class);
    private static final AtomicInteger PROVIDERS = new AtomicInteger();
    private static final Duration VALIDITY = Duration.ofDays(3653);
    private static final String DEFAULT_KEY_ID = Pkcs12KeySource.DEFAULT_KEY_ID;

    /**
     * Which token: its PKCS#11 library, its label or else its index in the library's list of slots with a token, and
     * its PIN. A label is looked up each time the token is reached, so that a token put back in another slot is
     * found again.
     */
    public record Token(Path library, int slotListIndex, String label, char[] pin) {
        public Token {
            Objects.requireNonNull(library, "library");
            pin = Objects.requireNonNull(pin, "pin").clone();
        }

        /** The token at this index of the library's slots that hold one. */
        public Token(Path library, int slotListIndex, char[] pin) {
            this(library, slotListIndex, null, pin);
        }

        /** The token with this label (see {@link Pkcs11Slots} for what the JVM needs). */
        public static Token labelled(Path library, String label, char[] pin) {
            return new Token(library, -1, Objects.requireNonNull(label, "label"), pin);
        }

        @Override
        public String toString() { // never the PIN
            return "PKCS#11 token " + (label != null ? "'" + label + "'" : String.valueOf(slotListIndex)) + " of "
                    + library;
        }
    }

    /** The labels of the tokens the library has now, in slot order (for messages and checks at start). */
    public static List<String> tokenLabels(Path library) throws KeyUnavailableException {
        List<String> labels = new ArrayList<>();
        for (Pkcs11Slots.Slot slot : Pkcs11Slots.slotsWithToken(library)) {
            labels.add(slot.label());
        }
        return labels;
    }

    private final Token token;
    private final String endpoint;
    private final byte[] fleetMasterKey;
    private KeyStore store; // guarded by this; null until reached, and again after a failure

    public Pkcs11KeySource(Token token, String endpoint, byte[] fleetMasterKeyOrNull) {
        this.token = Objects.requireNonNull(token, "token");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.fleetMasterKey = fleetMasterKeyOrNull == null ? null : fleetMasterKeyOrNull.clone();
    }

    @Override
    public String defaultKeyId() {
        return DEFAULT_KEY_ID;
    }

    @Override
    public synchronized SigningKey signingKey(String keyId) throws KeyUnavailableException {
        KeyStore keys = store();
        try {
            Key key = keys.getKey(keyId, null);
            if (!(key instanceof PrivateKey)) {
                throw missing("signing key", keyId, key);
            }
            List<X509Certificate> chain = new ArrayList<>();
            Certificate[] certificates = keys.getCertificateChain(keyId);
            for (Certificate certificate : certificates == null ? new Certificate[0] : certificates) {
                chain.add((X509Certificate) certificate);
            }
            return new SigningKey(keyId, (PrivateKey) key, chain);
        } catch (GeneralSecurityException | ProviderException e) {
            throw lost(e);
        }
    }

    @Override
    public synchronized SecretKey macKey(String keyId) throws KeyUnavailableException {
        return secretKey("MAC key", keyId + Pkcs12KeySource.MAC_SUFFIX);
    }

    @Override
    public synchronized SecretKey encryptionKey(String keyId) throws KeyUnavailableException {
        return secretKey("encryption key", keyId + Pkcs12KeySource.ENCRYPTION_SUFFIX);
    }

    @Override
    public String toString() {
        return token.toString();
    }

    private SecretKey secretKey(String what, String alias) throws KeyUnavailableException {
        KeyStore keys = store();
        try {
            Key key = keys.getKey(alias, null);
            if (!(key instanceof SecretKey)) {
                throw missing(what, alias, key);
            }
            return (SecretKey) key;
        } catch (GeneralSecurityException | ProviderException e) {
            throw lost(e);
        }
    }

    private KeyUnavailableException missing(String what, String alias, Key found) {
        forget(); // a token taken away looks like an empty one: look again next time
        return found == null
                ? new KeyUnavailableException(KeyUnavailableException.Reason.NOT_FOUND, "no " + what + " '" + alias
                        + "' in " + token)
                : new KeyUnavailableException(KeyUnavailableException.Reason.WRONG_TYPE, "entry '" + alias + "' in "
                        + token + " is not a " + what);
    }

    /** The token failed while in use (taken away, reset): reach it again next time. */
    private KeyUnavailableException lost(Exception e) {
        forget();
        return new KeyUnavailableException(KeyUnavailableException.Reason.STORE_ERROR, token + " failed: "
                + e.getMessage(), e);
    }

    private KeyStore store() throws KeyUnavailableException {
        if (store == null) {
            Provider provider = provider();
            try {
                KeyStore reached = login(provider);
                makeMissingKeys(reached);
                store = reached;
            } catch (KeyUnavailableException e) {
                Security.removeProvider(provider.getName());
                throw e;
            }
        }
        return store;
    }

    private void forget() {
        if (store != null) {
            Security.removeProvider(store.getProvider().getName());
            store = null;
        }
    }

    private Provider provider() throws KeyUnavailableException {
        if (!Files.isRegularFile(token.library())) {
            throw new KeyUnavailableException(KeyUnavailableException.Reason.STORE_UNREADABLE, "no PKCS#11 library "
                    + token.library());
        }
        String slot = token.label() != null ? "slot = " + Pkcs11Slots.slotOf(token.library(), token.label())
                : "slotListIndex = " + token.slotListIndex();
        String config = "--name = portfolio-" + PROVIDERS.incrementAndGet() + "\n"
                + "library = \"" + token.library().toAbsolutePath() + "\"\n"
                + slot + "\n"
                // Keys made in the token stay there: not readable, not extractable.
                + "attributes(*, CKO_PRIVATE_KEY, *) = { CKA_SENSITIVE = true CKA_EXTRACTABLE = false }\n"
                + "attributes(*, CKO_SECRET_KEY, *) = { CKA_SENSITIVE = true CKA_EXTRACTABLE = false }\n";
        try {
            Provider provider = Security.getProvider("SunPKCS11").configure(config);
            // Installed, so that Mac and Cipher engines asked for by name find the provider of the token's keys.
            Security.addProvider(provider);
            return provider;
        } catch (ProviderException | IllegalArgumentException e) {
            throw new KeyUnavailableException(KeyUnavailableException.Reason.STORE_UNREADABLE, "cannot reach "
                    + token + ": " + reason(e), e);
        }
    }

    private KeyStore login(Provider provider) throws KeyUnavailableException {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS11", provider);
            keys.load(null, token.pin());
            return keys;
        } catch (IOException e) {
            if (hasCause(e, FailedLoginException.class)) {
                throw new KeyUnavailableException(KeyUnavailableException.Reason.WRONG_PASSWORD, "wrong PIN for "
                        + token, e);
            }
            throw new KeyUnavailableException(KeyUnavailableException.Reason.STORE_UNREADABLE, "cannot log in to "
                    + token + ": " + reason(e), e);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new KeyUnavailableException(KeyUnavailableException.Reason.STORE_UNREADABLE, "cannot log in to "
                    + token + ": " + reason(e), e);
        }
    }

    private void makeMissingKeys(KeyStore keys) throws KeyUnavailableException {
        Provider provider = keys.getProvider();
        try {
            if (!keys.containsAlias(DEFAULT_KEY_ID)) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPair pair = generator.generateKeyPair();
                X509Certificate certificate = SelfSignedCertificates.create(pair, endpoint, VALIDITY,
                        new SecureRandom());
                keys.setKeyEntry(DEFAULT_KEY_ID, pair.getPrivate(), null, new Certificate[] {certificate});
                LOG.info("made a P-256 signing key for endpoint {} in {}", endpoint, token);
            }
            String mac = DEFAULT_KEY_ID + Pkcs12KeySource.MAC_SUFFIX;
            if (!keys.containsAlias(mac)) {
                keys.setEntry(mac, new KeyStore.SecretKeyEntry(sharedKey(provider, KeyDerivation.PURPOSE_MAC,
                        Pkcs12KeySource.MAC_KEY_BYTES, "HmacSHA256")), null);
            }
            String encryption = DEFAULT_KEY_ID + Pkcs12KeySource.ENCRYPTION_SUFFIX;
            if (!keys.containsAlias(encryption)) {
                keys.setEntry(encryption, new KeyStore.SecretKeyEntry(sharedKey(provider,
                        KeyDerivation.PURPOSE_ENCRYPT, Pkcs12KeySource.ENCRYPTION_KEY_BYTES, "AES")), null);
            }
        } catch (GeneralSecurityException | ProviderException e) {
            throw new KeyUnavailableException(KeyUnavailableException.Reason.STORE_NOT_WRITABLE, "cannot make the "
                    + "keys in " + token + ": " + reason(e), e);
        }
    }

    private SecretKey sharedKey(Provider provider, String purpose, int bytes, String algorithm)
            throws GeneralSecurityException {
        if (fleetMasterKey != null) {
            byte[] derived = KeyDerivation.deriveDeviceKey(fleetMasterKey, endpoint, purpose, bytes);
            SecretKey key = new SecretKeySpec(derived, algorithm);
            Arrays.fill(derived, (byte) 0);
            return key;
        }
        KeyGenerator generator = KeyGenerator.getInstance(algorithm, provider);
        generator.init(bytes * 8);
        return generator.generateKey();
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String reason(Throwable e) {
        Throwable deepest = e;
        while (deepest.getCause() != null && deepest.getCause() != deepest) {
            deepest = deepest.getCause();
        }
        String message = deepest.getMessage() != null ? deepest.getMessage() : deepest.getClass().getSimpleName();
        return message.replace('\n', ' ');
    }
}
