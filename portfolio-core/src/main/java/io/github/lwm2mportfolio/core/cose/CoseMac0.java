package io.github.lwm2mportfolio.core.cose;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.ProviderException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * COSE_Mac0 (RFC 9052 §6.2, tag 17) with HMAC 256/64, 256/256, 384/384 and 512/512. Makes tagged
 * messages with alg in the protected header; checks tagged or untagged messages.
 */
public final class CoseMac0 {

    private CoseMac0() {
    }

    /** MACs {@code payload}; the protected header is {alg} plus {@code protectedHeaders}. */
    public static byte[] mac(CoseAlgorithm alg, SecretKey key, CoseHeaders protectedHeaders,
            CoseHeaders unprotectedHeaders, byte[] payload, byte[] externalAad) throws CoseException {
        Objects.requireNonNull(payload, "payload");
        byte[] prot = CoseCodec.protectedBytes(CoseStructure.MAC0, alg, protectedHeaders, unprotectedHeaders);
        byte[] tag = compute(alg, key, prot, CoseCodec.orEmpty(externalAad), payload);
        return CoseCodec.encode(CoseStructure.MAC0, prot, unprotectedHeaders.encodedRef(), payload, tag);
    }

    /** MACs {@code payload} with a kid (may be null) in the unprotected header. */
    public static byte[] mac(CoseAlgorithm alg, SecretKey key, byte[] kid, byte[] payload, byte[] externalAad)
            throws CoseException {
        CoseHeaders unprotected = kid == null ? CoseHeaders.EMPTY : CoseHeaders.ofKid(kid);
        return mac(alg, key, CoseHeaders.EMPTY, unprotected, payload, externalAad);
    }

    /** As {@link #mac(CoseAlgorithm, SecretKey, byte[], byte[], byte[])} with a raw key. */
    public static byte[] mac(CoseAlgorithm alg, byte[] key, byte[] kid, byte[] payload, byte[] externalAad)
            throws CoseException {
        return mac(alg, secretKey(alg, key), kid, payload, externalAad);
    }

    /** Parses a COSE_Mac0 message (tagged or not) without checking its tag. */
    public static CoseMessage parse(byte[] message) throws CoseException {
        return CoseCodec.parse(message, CoseStructure.MAC0);
    }

    /** Parses {@code message} and checks its MAC with {@code key}; returns the checked message. */
    public static CoseMessage verify(byte[] message, SecretKey key, byte[] externalAad) throws CoseException {
        CoseMessage parsed = parse(message);
        verify(parsed, key, externalAad);
        return parsed;
    }

    /** As {@link #verify(byte[], SecretKey, byte[])} with a raw key. */
    public static CoseMessage verify(byte[] message, byte[] key, byte[] externalAad) throws CoseException {
        CoseMessage parsed = parse(message);
        verify(parsed, secretKey(parsed.algorithm(), key), externalAad);
        return parsed;
    }

    /** Checks the MAC of an already parsed message; CoseException "MAC does not match" if not. */
    public static void verify(CoseMessage message, SecretKey key, byte[] externalAad) throws CoseException {
        if (message.structure() != CoseStructure.MAC0) {
            throw new IllegalArgumentException("not a COSE_Mac0 message: " + message.structure());
        }
        CoseAlgorithm alg = message.algorithm();
        byte[] received = message.authTagRef();
        if (received.length != alg.sizeBytes()) {
            throw CoseException.failed("MAC tag has " + received.length + " bytes, " + alg + " makes "
                    + alg.sizeBytes());
        }
        byte[] aad = CoseCodec.orEmpty(externalAad);
        byte[] prot = message.protectedHeaders().encodedRef();
        boolean valid = ConstantTime.equal(compute(alg, key, prot, aad, message.contentRef()), received);
        if (!valid && CoseCodec.isEncodedEmptyMap(prot)) {
            // h'A0' and h'' are the same empty protected header; MACers differ in which they cover.
            valid = ConstantTime.equal(compute(alg, key, new byte[0], aad, message.contentRef()), received);
        }
        if (!valid) {
            throw CoseException.failed("MAC does not match");
        }
    }

    private static byte[] compute(CoseAlgorithm alg, SecretKey key, byte[] prot, byte[] aad, byte[] payload)
            throws CoseException {
        Objects.requireNonNull(key, "key");
        try {
            Mac mac = Jca.mac(alg, key);
            byte[] full = mac.doFinal(CoseCodec.toBeProcessed(CoseStructure.MAC0, prot, aad, payload));
            return full.length == alg.sizeBytes() ? full : Arrays.copyOf(full, alg.sizeBytes());
        } catch (InvalidKeyException e) {
            throw new CoseException(CoseException.Kind.KEY_MISMATCH, "key does not fit " + alg + ": "
                    + e.getMessage(), e);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new CoseException(CoseException.Kind.UNSUPPORTED, alg + " is not available: " + e.getMessage(), e);
        }
    }

    private static SecretKey secretKey(CoseAlgorithm alg, byte[] key) throws CoseException {
        if (key == null || key.length == 0) {
            throw CoseException.keyMismatch(alg + " needs a non-empty key");
        }
        return new SecretKeySpec(key, alg.jcaName());
    }
}
