package io.github.lwm2mportfolio.core.cose;

/**
 * The COSE algorithms (RFC 9053) this implementation makes and checks, with their registered
 * identifiers and the JCA names and sizes needed to run them.
 */
public enum CoseAlgorithm {
    ES256(-7, "ES256", Family.ECDSA, "SHA256withECDSA", 0, 32, 0),
    ES384(-35, "ES384", Family.ECDSA, "SHA384withECDSA", 0, 48, 0),
    ES512(-36, "ES512", Family.ECDSA, "SHA512withECDSA", 0, 66, 0),
    EDDSA(-8, "EdDSA", Family.EDDSA, "EdDSA", 0, 0, 0),
    HMAC_256_64(4, "HMAC 256/64", Family.HMAC, "HmacSHA256", 0, 8, 0),
    HMAC_256_256(5, "HMAC 256/256", Family.HMAC, "HmacSHA256", 0, 32, 0),
    HMAC_384_384(6, "HMAC 384/384", Family.HMAC, "HmacSHA384", 0, 48, 0),
    HMAC_512_512(7, "HMAC 512/512", Family.HMAC, "HmacSHA512", 0, 64, 0),
    A128GCM(1, "A128GCM", Family.AES_GCM, "AES/GCM/NoPadding", 16, 16, 12),
    A192GCM(2, "A192GCM", Family.AES_GCM, "AES/GCM/NoPadding", 24, 16, 12),
    A256GCM(3, "A256GCM", Family.AES_GCM, "AES/GCM/NoPadding", 32, 16, 12),
    // AES-CCM-L-M-K: L (length field, bits) fixes the nonce at 15 - L/8 bytes, M is the tag in bits.
    AES_CCM_16_64_128(10, "AES-CCM-16-64-128", Family.AES_CCM, "AES/CCM", 16, 8, 13),
    AES_CCM_16_64_256(11, "AES-CCM-16-64-256", Family.AES_CCM, "AES/CCM", 32, 8, 13),
    AES_CCM_64_64_128(12, "AES-CCM-64-64-128", Family.AES_CCM, "AES/CCM", 16, 8, 7),
    AES_CCM_64_64_256(13, "AES-CCM-64-64-256", Family.AES_CCM, "AES/CCM", 32, 8, 7),
    AES_CCM_16_128_128(30, "AES-CCM-16-128-128", Family.AES_CCM, "AES/CCM", 16, 16, 13),
    AES_CCM_16_128_256(31, "AES-CCM-16-128-256", Family.AES_CCM, "AES/CCM", 32, 16, 13),
    AES_CCM_64_128_128(32, "AES-CCM-64-128-128", Family.AES_CCM, "AES/CCM", 16, 16, 7),
    AES_CCM_64_128_256(33, "AES-CCM-64-128-256", Family.AES_CCM, "AES/CCM", 32, 16, 7);

    /** What kind of primitive an algorithm is; decides which COSE structure may carry it. */
    public enum Family {
        ECDSA, EDDSA, HMAC, AES_GCM, AES_CCM;

        boolean fits(CoseStructure structure) {
            switch (structure) {
                case SIGN1:
                    return this == ECDSA || this == EDDSA;
                case MAC0:
                    return this == HMAC;
                default:
                    return this == AES_GCM || this == AES_CCM;
            }
        }
    }

    private final int id;
    private final String displayName;
    private final Family family;
    private final String jcaName;
    private final int keyBytes;
    private final int sizeBytes;
    private final int ivBytes;
    // {1: id}, the protected header this implementation writes; made once.
    private final byte[] protectedHeader;

    CoseAlgorithm(int id, String displayName, Family family, String jcaName, int keyBytes, int sizeBytes,
            int ivBytes) {
        this.id = id;
        this.displayName = displayName;
        this.family = family;
        this.jcaName = jcaName;
        this.keyBytes = keyBytes;
        this.sizeBytes = sizeBytes;
        this.ivBytes = ivBytes;
        this.protectedHeader = new CborWriter(6).writeMapHeader(1).writeInt(CoseHeaders.ALG).writeInt(id)
                .toByteArray();
    }

    /** The algorithm registered under {@code id}; CoseException "unsupported algorithm -999" otherwise. */
    public static CoseAlgorithm fromId(int id) throws CoseException {
        for (CoseAlgorithm a : VALUES) {
            if (a.id == id) {
                return a;
            }
        }
        throw CoseException.unsupported("unsupported algorithm " + id);
    }

    private static final CoseAlgorithm[] VALUES = values();

    /** The IANA COSE algorithm identifier. */
    public int id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    public Family family() {
        return family;
    }

    /** The JCA algorithm (Signature, Mac or Cipher transformation) that runs this algorithm. */
    public String jcaName() {
        return jcaName;
    }

    /** AES key length in bytes; 0 when the algorithm does not fix one. */
    public int keyBytes() {
        return keyBytes;
    }

    /** MAC or AEAD tag length in bytes; for ECDSA the default coordinate size; 0 for EdDSA. */
    public int sizeBytes() {
        return sizeBytes;
    }

    /** Nonce (IV) length in bytes for AEAD algorithms; 0 otherwise. */
    public int ivBytes() {
        return ivBytes;
    }

    byte[] protectedHeader() {
        return protectedHeader;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
