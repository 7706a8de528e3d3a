package io.github.lwm2mportfolio.core.cose;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** JCA keys from the JWK-like keys of the COSE-WG example files. */
final class Jwk {

    private static final HexFormat HEX = HexFormat.of();
    // DER prefixes that wrap a raw EdDSA key into SubjectPublicKeyInfo / PKCS#8 (RFC 8410).
    private static final String ED25519_SPKI = "302a300506032b6570032100";
    private static final String ED448_SPKI = "3043300506032b6571033a00";
    private static final String ED25519_PKCS8 = "302e020100300506032b657004220420";
    private static final String ED448_PKCS8 = "3047020100300506032b6571043b0439";

    private Jwk() {
    }

    static PublicKey publicKey(JsonNode jwk) throws GeneralSecurityException {
        switch (jwk.get("kty").asText()) {
            case "EC":
            case "EC2":
                ECParameterSpec spec = curve(jwk.get("crv").asText());
                ECPoint point = new ECPoint(new BigInteger(1, bytes(jwk, "x")), new BigInteger(1, bytes(jwk, "y")));
                return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
            case "OKP":
                boolean ed448 = "Ed448".equals(jwk.get("crv").asText());
                byte[] spki = concat(HEX.parseHex(ed448 ? ED448_SPKI : ED25519_SPKI), bytes(jwk, "x"));
                return KeyFactory.getInstance(ed448 ? "Ed448" : "Ed25519").generatePublic(new X509EncodedKeySpec(spki));
            default:
                throw new IllegalArgumentException("not a public key type: " + jwk);
        }
    }

    static PrivateKey privateKey(JsonNode jwk) throws GeneralSecurityException {
        switch (jwk.get("kty").asText()) {
            case "EC":
            case "EC2":
                ECParameterSpec spec = curve(jwk.get("crv").asText());
                return KeyFactory.getInstance("EC")
                        .generatePrivate(new ECPrivateKeySpec(new BigInteger(1, bytes(jwk, "d")), spec));
            case "OKP":
                boolean ed448 = "Ed448".equals(jwk.get("crv").asText());
                byte[] pkcs8 = concat(HEX.parseHex(ed448 ? ED448_PKCS8 : ED25519_PKCS8), bytes(jwk, "d"));
                return KeyFactory.getInstance(ed448 ? "Ed448" : "Ed25519")
                        .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            default:
                throw new IllegalArgumentException("not a private key type: " + jwk);
        }
    }

    static SecretKey secretKey(JsonNode jwk, String algorithm) {
        return new SecretKeySpec(bytes(jwk, "k"), algorithm);
    }

    /** A member given either base64url ("x") or hex ("x_hex"). */
    static byte[] bytes(JsonNode jwk, String name) {
        JsonNode b64 = jwk.get(name);
        if (b64 != null) {
            return Base64.getUrlDecoder().decode(b64.asText());
        }
        return HEX.parseHex(jwk.get(name + "_hex").asText());
    }

    private static ECParameterSpec curve(String crv) throws GeneralSecurityException {
        String name = switch (crv) {
            case "P-256" -> "secp256r1";
            case "P-384" -> "secp384r1";
            case "P-521" -> "secp521r1";
            default -> throw new IllegalArgumentException("unknown curve " + crv);
        };
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec(name));
        return parameters.getParameterSpec(ECParameterSpec.class);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
