package io.github.lwm2mportfolio.core.keys;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A private signing key with its certificate chain (leaf first; may be empty). The key may live in
 * a token: nothing here needs its encoded form.
 */
public record SigningKey(String keyId, PrivateKey key, List<X509Certificate> chain) {

    public SigningKey {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(key, "key");
        chain = chain == null ? List.of() : List.copyOf(chain);
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId + ", " + key.getAlgorithm() + ", chain of " + chain.size() + "]";
    }
}
