package io.github.lwm2mportfolio.core.cose;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.CCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * COSE_Encrypt0 (RFC 9052 §5.2, tag 16) with AES-GCM (JCA) and AES-CCM (Bouncy Castle's
 * lightweight API; the JDK has no CCM), direct key. Makes tagged messages with alg in the protected
 * header and a fresh random IV in the unprotected header; decrypts tagged or untagged messages.
 */
public final class CoseEncrypt0 {

    private static final SecureRandom RANDOM = new SecureRandom();

    private CoseEncrypt0() {
    }

    /**
     * Encrypts {@code plaintext} with a random IV of the algorithm's length. {@code unprotectedHeaders}
     * must not hold an IV: it is made here.
     */
    public static byte[] encrypt(CoseAlgorithm alg, SecretKey key, CoseHeaders protectedHeaders,
            CoseHeaders unprotectedHeaders, byte[] plaintext, byte[] externalAad, SecureRandom random)
            throws CoseException {
        if (protectedHeaders.contains(CoseHeaders.IV) || unprotectedHeaders.contains(CoseHeaders.IV)) {
            throw new IllegalArgumentException("the IV is made by encrypt, not given in headers");
        }
        byte[] iv = new byte[alg.ivBytes()];
        random.nextBytes(iv);
        return encrypt(alg, key, protectedHeaders, unprotectedHeaders, plaintext, externalAad, iv);
    }

    /** Encrypts with a kid (may be null) and a random IV in the unprotected header. */
    public static byte[] encrypt(CoseAlgorithm alg, SecretKey key, byte[] kid, byte[] plaintext,
            byte[] externalAad) throws CoseException {
        CoseHeaders unprotected = kid == null ? CoseHeaders.EMPTY : CoseHeaders.ofKid(kid);
        return encrypt(alg, key, CoseHeaders.EMPTY, unprotected, plaintext, externalAad, RANDOM);
    }

    /** As {@link #encrypt(CoseAlgorithm, SecretKey, byte[], byte[], byte[])} with a raw key. */
    public static byte[] encrypt(CoseAlgorithm alg, byte[] key, byte[] kid, byte[] plaintext, byte[] externalAad)
            throws CoseException {
        return encrypt(alg, aesKey(key), kid, plaintext, externalAad);
    }

    // A caller-chosen IV is only for reproducing published vectors: reusing an IV breaks AES-GCM/CCM.
    static byte[] encrypt(CoseAlgorithm alg, SecretKey key, CoseHeaders protectedHeaders,
            CoseHeaders unprotectedHeaders, byte[] plaintext, byte[] externalAad, byte[] iv) throws CoseException {
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] prot = CoseCodec.protectedBytes(CoseStructure.ENCRYPT0, alg, protectedHeaders, unprotectedHeaders);
        if (iv.length != alg.ivBytes()) {
            throw new IllegalArgumentException(alg + " needs a " + alg.ivBytes() + "-byte IV");
        }
        byte[] unprotected = unprotectedHeaders.isEmpty() ? CoseHeaders.encodeIvOnly(iv)
                : unprotectedHeaders.toBuilder().iv(iv).build().encodedRef();
        byte[] aad = CoseCodec.toBeProcessed(CoseStructure.ENCRYPT0, prot, CoseCodec.orEmpty(externalAad), null);
        byte[] ciphertext = run(true, alg, key, iv, aad, plaintext);
        return CoseCodec.encode(CoseStructure.ENCRYPT0, prot, unprotected, ciphertext, null);
    }

    /** Parses a COSE_Encrypt0 message (tagged or not) without decrypting it. */
    public static CoseMessage parse(byte[] message) throws CoseException {
        return CoseCodec.parse(message, CoseStructure.ENCRYPT0);
    }

    /** Parses and decrypts {@code message}; the result's {@link CoseMessage#payload()} is the plaintext. */
    public static CoseMessage decrypt(byte[] message, SecretKey key, byte[] externalAad) throws CoseException {
        return decrypt(parse(message), key, externalAad);
    }

    /** As {@link #decrypt(byte[], SecretKey, byte[])} with a raw key. */
    public static CoseMessage decrypt(byte[] message, byte[] key, byte[] externalAad) throws CoseException {
        return decrypt(parse(message), aesKey(key), externalAad);
    }

    /**
     * Decrypts an already parsed message; CoseException "decryption failed: authentication tag
     * mismatch" when the key, headers, AAD or ciphertext are not the ones it was made with.
     */
    public static CoseMessage decrypt(CoseMessage message, SecretKey key, byte[] externalAad) throws CoseException {
        if (message.structure() != CoseStructure.ENCRYPT0) {
            throw new IllegalArgumentException("not a COSE_Encrypt0 message: " + message.structure());
        }
        CoseAlgorithm alg = message.algorithm();
        byte[] iv = CoseCodec.iv(message.protectedHeaders(), message.unprotectedHeaders());
        byte[] ciphertext = message.contentRef();
        if (ciphertext.length < alg.sizeBytes()) {
            throw CoseException.failed("decryption failed: ciphertext is shorter than the authentication tag");
        }
        byte[] aadBytes = CoseCodec.orEmpty(externalAad);
        byte[] prot = message.protectedHeaders().encodedRef();
        byte[] plaintext = tryDecrypt(alg, key, iv,
                CoseCodec.toBeProcessed(CoseStructure.ENCRYPT0, prot, aadBytes, null), ciphertext);
        if (plaintext == null && CoseCodec.isEncodedEmptyMap(prot)) {
            // h'A0' and h'' are the same empty protected header; encrypters differ in which they use as AAD.
            plaintext = tryDecrypt(alg, key, iv,
                    CoseCodec.toBeProcessed(CoseStructure.ENCRYPT0, new byte[0], aadBytes, null), ciphertext);
        }
        if (plaintext == null) {
            throw CoseException.failed("decryption failed: authentication tag mismatch");
        }
        return message.withPlaintext(plaintext);
    }

    private static byte[] tryDecrypt(CoseAlgorithm alg, SecretKey key, byte[] iv, byte[] aad, byte[] ciphertext)
            throws CoseException {
        try {
            return run(false, alg, key, iv, aad, ciphertext);
        } catch (CoseException e) {
            if (e.kind() == CoseException.Kind.VERIFICATION_FAILED) {
                return null;
            }
            throw e;
        }
    }

    private static byte[] run(boolean encrypt, CoseAlgorithm alg, SecretKey key, byte[] iv, byte[] aad,
            byte[] input) throws CoseException {
        Objects.requireNonNull(key, "key");
        byte[] raw = key.getEncoded();
        try {
            if (raw != null && raw.length != alg.keyBytes()) {
                throw CoseException.keyMismatch(alg + " needs a " + alg.keyBytes() + "-byte key, not "
                        + raw.length + " bytes");
            }
            return alg.family() == CoseAlgorithm.Family.AES_GCM ? gcm(encrypt, alg, key, raw, iv, aad, input)
                    : ccm(encrypt, alg, raw, iv, aad, input);
        } finally {
            if (raw != null) {
                Arrays.fill(raw, (byte) 0);
            }
        }
    }

    private static byte[] gcm(boolean encrypt, CoseAlgorithm alg, SecretKey key, byte[] raw, byte[] iv,
            byte[] aad, byte[] input) throws CoseException {
        // The JCA's AES wants an "AES" key; software keys of another declared type are re-labelled.
        SecretKey aesKey = raw == null || "AES".equalsIgnoreCase(key.getAlgorithm()) ? key
                : new SecretKeySpec(raw, "AES");
        try {
            Cipher cipher = Jca.cipher(alg, aesKey);
            cipher.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, aesKey,
                    new GCMParameterSpec(alg.sizeBytes() * 8, iv));
            cipher.updateAAD(aad);
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw CoseException.failed("decryption failed: authentication tag mismatch");
        } catch (InvalidKeyException e) {
            throw new CoseException(CoseException.Kind.KEY_MISMATCH, "key does not fit " + alg + ": "
                    + e.getMessage(), e);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new CoseException(CoseException.Kind.UNSUPPORTED, alg + " failed: " + e.getMessage(), e);
        }
    }

    private static byte[] ccm(boolean encrypt, CoseAlgorithm alg, byte[] raw, byte[] iv, byte[] aad, byte[] input)
            throws CoseException {
        if (raw == null) {
            throw CoseException.keyMismatch(alg + " needs the key bytes; this key cannot be exported");
        }
        CCMModeCipher ccm = CCMBlockCipher.newInstance(AESEngine.newInstance());
        try {
            ccm.init(encrypt, new AEADParameters(new KeyParameter(raw), alg.sizeBytes() * 8, iv, aad));
            byte[] out = new byte[ccm.getOutputSize(input.length)];
            int n = ccm.processBytes(input, 0, input.length, out, 0);
            n += ccm.doFinal(out, n);
            return n == out.length ? out : Arrays.copyOf(out, n);
        } catch (InvalidCipherTextException e) {
            throw CoseException.failed("decryption failed: authentication tag mismatch");
        } catch (RuntimeException e) {
            // Bouncy Castle reports bad lengths with unchecked exceptions.
            throw CoseException.failed("decryption failed: " + e.getMessage());
        }
    }

    private static SecretKey aesKey(byte[] key) throws CoseException {
        if (key == null || key.length == 0) {
            throw CoseException.keyMismatch("AES needs a non-empty key");
        }
        return new SecretKeySpec(key, "AES");
    }
}
