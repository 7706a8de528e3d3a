package io.github.lwm2mportfolio.core.auth;

import io.github.lwm2mportfolio.core.cose.CoseAlgorithm;
import io.github.lwm2mportfolio.core.cose.CoseEncrypt0;
import io.github.lwm2mportfolio.core.cose.CoseException;
import io.github.lwm2mportfolio.core.cose.CoseHeaders;
import io.github.lwm2mportfolio.core.cose.CoseMac0;
import io.github.lwm2mportfolio.core.cose.CoseSign1;
import io.github.lwm2mportfolio.core.keys.KeySource;
import io.github.lwm2mportfolio.core.keys.KeyUnavailableException;
import io.github.lwm2mportfolio.core.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.SecureRandom;
import java.security.interfaces.ECKey;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.SecretKey;

/**
 * Makes AuthData values on the client: the claims, encoded, as the payload of a tagged COSE
 * message.
 * <ul>
 * <li>sign: COSE_Sign1, ES256/ES384/ES512 by the EC key's curve (EdDSA for an Ed25519 or Ed448
 * key); protected {alg, kid, x5chain (when the key has a chain)}.</li>
 * <li>mac: COSE_Mac0, HMAC 256/256; protected {alg, kid}.</li>
 * <li>encrypt: COSE_Encrypt0, A128GCM/A192GCM/A256GCM by key length; protected {alg, kid},
 * unprotected {IV}.</li>
 * </ul>
 * The kid is the key identifier in UTF-8 and the external AAD is empty. Every byte but the IV is
 * covered by the signature, MAC or authentication tag (and the IV is an input of the tag). Thread-safe.
 */
public final class AuthDataMaker {

    private static final byte[] NO_AAD = new byte[0];

    private final KeySource keys;
    private final SecureRandom random;
    // The protected kid header of the key id used last: nearly every call uses the same key id.
    private volatile KidHeader lastKid;

    private record KidHeader(String keyId, CoseHeaders headers) {
    }

    public AuthDataMaker(KeySource keys) {
        this(keys, new SecureRandom());
    }

    public AuthDataMaker(KeySource keys, SecureRandom random) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Makes one AuthData value.
     *
     * @param keyId the key identifier, or null for the key source's default
     */
    public byte[] make(AuthClaims claims, AuthService service, String keyId)
            throws KeyUnavailableException, CoseException {
        String id = keyId != null ? keyId : keys.defaultKeyId();
        byte[] payload = claims.encode();
        switch (service) {
            case SIGN:
                SigningKey signing = keys.signingKey(id);
                // The chain is protected too: the JDK accepts a certificate whose signature BIT STRING
                // "unused bits" byte was changed, so an unprotected chain could be altered unnoticed.
                CoseHeaders signed = CoseHeaders.builder().kid(id.getBytes(StandardCharsets.UTF_8))
                        .x5chain(signing.chain()).build();
                return CoseSign1.sign(signatureAlgorithm(signing.key()), signing.key(), signed, CoseHeaders.EMPTY,
                        payload, NO_AAD);
            case MAC:
                return CoseMac0.mac(CoseAlgorithm.HMAC_256_256, keys.macKey(id), protectedKid(id), CoseHeaders.EMPTY,
                        payload, NO_AAD);
            default:
                SecretKey key = keys.encryptionKey(id);
                return CoseEncrypt0.encrypt(encryptionAlgorithm(key), key, protectedKid(id), CoseHeaders.EMPTY,
                        payload, NO_AAD, random);
        }
    }

    // kid is protected so that no byte of an AuthData value can change without the check failing.
    private CoseHeaders protectedKid(String keyId) {
        KidHeader last = lastKid;
        if (last == null || !last.keyId().equals(keyId)) {
            last = new KidHeader(keyId, CoseHeaders.ofKid(keyId.getBytes(StandardCharsets.UTF_8)));
            lastKid = last;
        }
        return last.headers();
    }

    static CoseAlgorithm signatureAlgorithm(Key key) throws CoseException {
        String type = key.getAlgorithm();
        if ("EdDSA".equalsIgnoreCase(type) || "Ed25519".equalsIgnoreCase(type) || "Ed448".equalsIgnoreCase(type)) {
            return CoseAlgorithm.EDDSA;
        }
        if (!"EC".equalsIgnoreCase(type)) {
            throw new CoseException(CoseException.Kind.KEY_MISMATCH, "cannot sign AuthData with a " + type + " key");
        }
        // A token key may not expose its curve; P-256 is what this project makes.
        int bits = key instanceof ECKey ? ((ECKey) key).getParams().getCurve().getField().getFieldSize() : 256;
        return bits > 384 ? CoseAlgorithm.ES512 : bits > 256 ? CoseAlgorithm.ES384 : CoseAlgorithm.ES256;
    }

    static CoseAlgorithm encryptionAlgorithm(SecretKey key) throws CoseException {
        byte[] raw = key.getEncoded();
        if (raw == null) {
            // A non-exportable token key does not tell its length; the project's tokens use AES-128.
            return CoseAlgorithm.A128GCM;
        }
        int length = raw.length;
        Arrays.fill(raw, (byte) 0);
        switch (length) {
            case 16:
                return CoseAlgorithm.A128GCM;
            case 24:
                return CoseAlgorithm.A192GCM;
            case 32:
                return CoseAlgorithm.A256GCM;
            default:
                throw new CoseException(CoseException.Kind.KEY_MISMATCH, "an AES key has 16, 24 or 32 bytes, not "
                        + length);
        }
    }
}
