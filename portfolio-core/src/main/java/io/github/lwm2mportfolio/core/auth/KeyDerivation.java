package io.github.lwm2mportfolio.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Per-device keys from a fleet master key, so that a server holding the master key can check the
 * MAC and decrypt the AuthData of every device without storing one key per device. HKDF-SHA256
 * (RFC 5869) with an empty salt and info = "lwm2m-portfolio v1 " + purpose + " " + endpoint.
 */
public final class KeyDerivation {

    /** Purpose of the key that MACs AuthData. */
    public static final String PURPOSE_MAC = "mac";
    /** Purpose of the key that encrypts AuthData. */
    public static final String PURPOSE_ENCRYPT = "encrypt";

    private static final String HMAC = "HmacSHA256";
    private static final int HASH_BYTES = 32;

    private KeyDerivation() {
    }

    /**
     * The key of one device for one purpose.
     *
     * @param purpose {@link #PURPOSE_MAC} or {@link #PURPOSE_ENCRYPT}
     */
    public static byte[] deriveDeviceKey(byte[] masterKey, String endpoint, String purpose, int lengthBytes) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (!PURPOSE_MAC.equals(purpose) && !PURPOSE_ENCRYPT.equals(purpose)) {
            throw new IllegalArgumentException("purpose must be mac or encrypt, not " + purpose);
        }
        byte[] info = ("lwm2m-portfolio v1 " + purpose + " " + endpoint).getBytes(StandardCharsets.UTF_8);
        return hkdf(new byte[0], masterKey, info, lengthBytes);
    }

    /** HKDF-SHA256 extract-then-expand (RFC 5869 §2); an empty salt means HashLen zero bytes. */
    public static byte[] hkdf(byte[] salt, byte[] inputKey, byte[] info, int lengthBytes) {
        Objects.requireNonNull(inputKey, "inputKey");
        if (inputKey.length == 0) {
            throw new IllegalArgumentException("input key is empty");
        }
        if (lengthBytes < 1 || lengthBytes > 255 * HASH_BYTES) {
            throw new IllegalArgumentException("length must be 1.." + 255 * HASH_BYTES + ", not " + lengthBytes);
        }
        try {
            Mac mac = Mac.getInstance(HMAC);
            byte[] extractKey = salt == null || salt.length == 0 ? new byte[HASH_BYTES] : salt;
            mac.init(new SecretKeySpec(extractKey, HMAC));
            byte[] prk = mac.doFinal(inputKey);
            mac.init(new SecretKeySpec(prk, HMAC));
            Arrays.fill(prk, (byte) 0);
            byte[] okm = new byte[lengthBytes];
            byte[] t = new byte[0];
            int done = 0;
            for (int i = 1; done < lengthBytes; i++) {
                mac.update(t);
                mac.update(info);
                mac.update((byte) i);
                t = mac.doFinal();
                int n = Math.min(t.length, lengthBytes - done);
                System.arraycopy(t, 0, okm, done, n);
                done += n;
            }
            Arrays.fill(t, (byte) 0);
            return okm;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
