package io.github.lwm2mportfolio.core.keys;

import javax.crypto.SecretKey;

/**
 * Where a client's AuthData keys come from (a PKCS#12 file, a PKCS#11 token, ...). Keys are named
 * by a key identifier (GetAuthData argument 3). Implementations must not need a private key's
 * encoded form, so that keys can stay inside a token.
 */
public interface KeySource {

    /** The key identifier used when GetAuthData names none. */
    String defaultKeyId();

    /** The signing key and its certificate chain for {@code keyId}. */
    SigningKey signingKey(String keyId) throws KeyUnavailableException;

    /** The HMAC key shared with servers for {@code keyId}. */
    SecretKey macKey(String keyId) throws KeyUnavailableException;

    /** The AES key shared with servers for {@code keyId}. */
    SecretKey encryptionKey(String keyId) throws KeyUnavailableException;
}
