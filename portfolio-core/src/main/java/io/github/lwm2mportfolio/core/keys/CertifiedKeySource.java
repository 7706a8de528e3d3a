package io.github.lwm2mportfolio.core.keys;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import javax.crypto.SecretKey;

/**
 * A key source whose default signing key is certified by a chain kept apart from it (a CA signed the key's
 * certification request; the key stays in its key store or token). The chain's first certificate must hold the
 * key's public key; that is checked when the key is first asked for, so that a token out of reach at start
 * fails the key requests, not the client.
 */
public final class CertifiedKeySource implements KeySource {

    private final KeySource keys;
    private final List<X509Certificate> chain;
    private final String chainSource;

    private CertifiedKeySource(KeySource keys, List<X509Certificate> chain, String chainSource) {
        this.keys = keys;
        this.chain = List.copyOf(chain);
        this.chainSource = chainSource;
    }

    /** {@code keys} with {@code chain} (leaf first, from {@code chainSource}) as the chain of its default signing key. */
    public static CertifiedKeySource of(KeySource keys, List<X509Certificate> chain, String chainSource) {
        Objects.requireNonNull(chain, "chain");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(chainSource + " holds no certificate");
        }
        return new CertifiedKeySource(keys, chain, chainSource);
    }

    @Override
    public String defaultKeyId() {
        return keys.defaultKeyId();
    }

    /**
     * The key with the chain when it is the default one.
     *
     * @throws KeyUnavailableException WRONG_TYPE when the chain certifies another key
     */
    @Override
    public SigningKey signingKey(String keyId) throws KeyUnavailableException {
        SigningKey signing = keys.signingKey(keyId);
        if (!keys.defaultKeyId().equals(keyId)) {
            return signing;
        }
        if (signing.chain().isEmpty() || !chain.get(0).getPublicKey().equals(signing.chain().get(0).getPublicKey())) {
            throw new KeyUnavailableException(KeyUnavailableException.Reason.WRONG_TYPE, chainSource
                    + " does not certify the signing key '" + signing.keyId() + "' of " + keys
                    + " (a certificate made for another key?)");
        }
        return new SigningKey(signing.keyId(), signing.key(), chain);
    }

    @Override
    public SecretKey macKey(String keyId) throws KeyUnavailableException {
        return keys.macKey(keyId);
    }

    @Override
    public SecretKey encryptionKey(String keyId) throws KeyUnavailableException {
        return keys.encryptionKey(keyId);
    }

    @Override
    public String toString() {
        return keys + " certified by " + chainSource;
    }
}
