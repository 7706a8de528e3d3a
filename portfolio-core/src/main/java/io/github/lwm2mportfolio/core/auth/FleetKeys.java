package io.github.lwm2mportfolio.core.auth;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@link VerifierKeys#fleet}: MAC and encryption keys derived from one master key ({@link KeyDerivation},
 * 32-byte HMAC and 16-byte AES keys, as {@code Pkcs12KeySource} makes them), each derived once per endpoint
 * and kept in a bounded cache; device certificates anchored in the given trust anchors. Kids are not used.
 */
final class FleetKeys implements VerifierKeys {

    /** Endpoints whose keys are kept, per purpose: a few MB for a large fleet's busiest devices. */
    static final int CACHED_ENDPOINTS = 10_000;

    private final List<X509Certificate> anchors;
    private final DeviceKeyCache macKeys;
    private final DeviceKeyCache encryptionKeys;

    FleetKeys(byte[] masterKey, List<X509Certificate> trustAnchors, int cachedEndpoints) {
        byte[] master = Objects.requireNonNull(masterKey, "masterKey").clone();
        this.anchors = List.copyOf(trustAnchors);
        this.macKeys = new DeviceKeyCache(cachedEndpoints, endpoint -> new SecretKeySpec(
                KeyDerivation.deriveDeviceKey(master, endpoint, KeyDerivation.PURPOSE_MAC, 32), "HmacSHA256"));
        this.encryptionKeys = new DeviceKeyCache(cachedEndpoints, endpoint -> new SecretKeySpec(
                KeyDerivation.deriveDeviceKey(master, endpoint, KeyDerivation.PURPOSE_ENCRYPT, 16), "AES"));
    }

    @Override
    public List<X509Certificate> trustAnchors() {
        return anchors;
    }

    @Override
    public Optional<PublicKey> pinnedSigningKey(String endpoint, byte[] kid) {
        return Optional.empty();
    }

    @Override
    public Optional<SecretKey> macKey(String endpoint, byte[] kid) {
        return Optional.of(macKeys.key(endpoint));
    }

    @Override
    public Optional<SecretKey> encryptionKey(String endpoint, byte[] kid) {
        return Optional.of(encryptionKeys.key(endpoint));
    }
}
