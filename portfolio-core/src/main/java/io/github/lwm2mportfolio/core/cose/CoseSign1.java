package io.github.lwm2mportfolio.core.cose;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Objects;

/**
 * COSE_Sign1 (RFC 9052 §4.2, tag 18) with ECDSA (ES256/384/512, raw r||s signatures) and EdDSA.
 * Makes tagged messages with alg in the protected header; checks tagged or untagged messages.
 */
public final class CoseSign1 {

    private CoseSign1() {
    }

    /**
     * Signs {@code payload}. The protected header is {alg} plus {@code protectedHeaders}; kid and
     * x5chain go in {@code unprotectedHeaders}.
     */
    public static byte[] sign(CoseAlgorithm alg, PrivateKey key, CoseHeaders protectedHeaders,
            CoseHeaders unprotectedHeaders, byte[] payload, byte[] externalAad) throws CoseException {
        Objects.requireNonNull(payload, "payload");
        byte[] prot = CoseCodec.protectedBytes(CoseStructure.SIGN1, alg, protectedHeaders, unprotectedHeaders);
        checkKeyType(alg, key);
        byte[] toBeSigned = CoseCodec.toBeProcessed(CoseStructure.SIGN1, prot, CoseCodec.orEmpty(externalAad),
                payload);
        byte[] signature;
        try {
            Signature signer = Jca.signature(alg, key);
            signer.initSign(key);
            signer.update(toBeSigned);
            signature = signer.sign();
        } catch (InvalidKeyException e) {
            throw new CoseException(CoseException.Kind.KEY_MISMATCH, "key does not fit " + alg + ": "
                    + e.getMessage(), e);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new CoseException(CoseException.Kind.UNSUPPORTED, "signing with " + alg + " failed: "
                    + e.getMessage(), e);
        }
        if (alg.family() == CoseAlgorithm.Family.ECDSA) {
            signature = EcdsaDer.derToRaw(signature, EcdsaDer.coordinateBytes(key, alg.sizeBytes()));
        }
        return CoseCodec.encode(CoseStructure.SIGN1, prot, unprotectedHeaders.encodedRef(), payload, signature);
    }

    /**
     * Signs {@code payload} with a kid (may be null) in the unprotected header. For an x5chain, use
     * the header form with {@link CoseHeaders.Builder#x5chain}.
     */
    public static byte[] sign(CoseAlgorithm alg, PrivateKey key, byte[] kid, byte[] payload, byte[] externalAad)
            throws CoseException {
        CoseHeaders unprotected = kid == null ? CoseHeaders.EMPTY : CoseHeaders.ofKid(kid);
        return sign(alg, key, CoseHeaders.EMPTY, unprotected, payload, externalAad);
    }

    /** Parses a COSE_Sign1 message (tagged or not) without checking its signature. */
    public static CoseMessage parse(byte[] message) throws CoseException {
        return CoseCodec.parse(message, CoseStructure.SIGN1);
    }

    /** Parses {@code message} and checks its signature with {@code key}; returns the checked message. */
    public static CoseMessage verify(byte[] message, PublicKey key, byte[] externalAad) throws CoseException {
        CoseMessage parsed = parse(message);
        verify(parsed, key, externalAad);
        return parsed;
    }

    /** Checks the signature of an already parsed message; CoseException "signature does not verify" if not. */
    public static void verify(CoseMessage message, PublicKey key, byte[] externalAad) throws CoseException {
        if (message.structure() != CoseStructure.SIGN1) {
            throw new IllegalArgumentException("not a COSE_Sign1 message: " + message.structure());
        }
        CoseAlgorithm alg = message.algorithm();
        checkKeyType(alg, key);
        byte[] signature = message.authTagRef();
        if (alg.family() == CoseAlgorithm.Family.ECDSA) {
            int n = EcdsaDer.coordinateBytes(key, signature.length / 2);
            if (signature.length != 2 * n || n == 0) {
                throw CoseException.failed("signature has " + signature.length + " bytes, expected " + 2 * n);
            }
            signature = EcdsaDer.rawToDer(signature);
        }
        byte[] aad = CoseCodec.orEmpty(externalAad);
        byte[] prot = message.protectedHeaders().encodedRef();
        boolean valid = check(alg, key, prot, aad, message.contentRef(), signature);
        if (!valid && CoseCodec.isEncodedEmptyMap(prot)) {
            // An empty protected map sent as h'A0' is the same header as h''; signers differ in which
            // of the two they signed (the COSE-WG vectors sign h''), so both are accepted.
            valid = check(alg, key, new byte[0], aad, message.contentRef(), signature);
        }
        if (!valid) {
            throw CoseException.failed("signature does not verify");
        }
    }

    private static boolean check(CoseAlgorithm alg, PublicKey key, byte[] prot, byte[] aad, byte[] payload,
            byte[] signature) throws CoseException {
        try {
            PublicKey fast = VerifyingKeys.forVerification(key);
            Signature verifier = Jca.signature(alg, fast);
            verifier.initVerify(fast);
            verifier.update(CoseCodec.toBeProcessed(CoseStructure.SIGN1, prot, aad, payload));
            return verifier.verify(signature);
        } catch (InvalidKeyException e) {
            throw new CoseException(CoseException.Kind.KEY_MISMATCH, "key does not fit " + alg + ": "
                    + e.getMessage(), e);
        } catch (SignatureException | ProviderException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new CoseException(CoseException.Kind.UNSUPPORTED, alg + " is not available: " + e.getMessage(), e);
        }
    }

    private static void checkKeyType(CoseAlgorithm alg, java.security.Key key) throws CoseException {
        Objects.requireNonNull(key, "key");
        String type = key.getAlgorithm();
        boolean fits = alg.family() == CoseAlgorithm.Family.ECDSA ? "EC".equalsIgnoreCase(type)
                : "EdDSA".equalsIgnoreCase(type) || "Ed25519".equalsIgnoreCase(type) || "Ed448".equalsIgnoreCase(type);
        if (!fits) {
            throw CoseException.keyMismatch(alg + " needs " + (alg.family() == CoseAlgorithm.Family.ECDSA ? "an EC"
                    : "an EdDSA") + " key, not " + type);
        }
    }
}
