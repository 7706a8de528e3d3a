package io.github.lwm2mportfolio.core.keys;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import javax.crypto.SecretKey;

/**
 * A key source whose default signing key is certified by a chain kept apart from it (a CA signed the key's
 * certification request; the key stays in its key store or token). The chain's first certificate must hold the
 * key's public key, which is checked once, at {@link #of}.
 */
public final class CertifiedKeySource implements KeySource {

    private final KeySource keys;
    private final SigningKey certified;

    private CertifiedKeySource(KeySource keys, SigningKey certified) {
        this.keys = keys;
        this.certified = certified;
    }

    /**
     * {@code keys} with {@code chain} (leaf first) as the chain of its default signing key.
     *
     * @throws KeyUnavailableException WRONG_TYPE when the chain certifies another key
     */
    public static CertifiedKeySource of(KeySource keys, List<X509Certificate> chain, String chainSource)
            throws KeyUnavailableException {
        Objects.requireNonNull(chain, "chain");
        SigningKey signing = keys.signingKey(keys.defaultKeyId());
        if (chain.isEmpty() || signing.chain().isEmpty()
                || !chain.get(0).getPublicKey().equals(signing.chain().get(0).getPublicKey())) {
            throw new KeyUnavailableException(KeyUnavailableException.Reason.WRONG_TYPE, chainSource
                    + " does not certify the signing key '" + signing.keyId() + "' of " + keys
                    + " (a certificate made for another key?)");
        }
        return new CertifiedKeySource(keys, new SigningKey(signing.keyId(), signing.key(), chain));
    }

    @Override
    public String defaultKeyId() {
        return keys.defaultKeyId();
    }

    @Override
    public SigningKey signingKey(String keyId) throws KeyUnavailableException {
        return certified.keyId().equals(keyId) ? certified : keys.signingKey(keyId);
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
        return keys + " certified by " + certified.chain().get(0).getSubjectX500Principal().getName();
    }
}
