package io.github.lwm2mportfolio.core.cose;

import java.util.Set;

/** Reads and writes the COSE envelopes and builds the structures that are signed, MACed or used as AAD. */
final class CoseCodec {

    private static final byte[] NO_BYTES = new byte[0];
    private static final Set<Object> UNDERSTOOD = Set.of(CoseHeaders.ALG, CoseHeaders.CONTENT_TYPE,
            CoseHeaders.KID, CoseHeaders.IV, CoseHeaders.X5CHAIN);

    private CoseCodec() {
    }

    static byte[] orEmpty(byte[] bytes) {
        return bytes == null ? NO_BYTES : bytes;
    }

    /**
     * The bstr content of the protected header for a message we make: alg first-class, plus any
     * extra protected headers; an empty map is never possible since alg is always there.
     */
    static byte[] protectedBytes(CoseStructure structure, CoseAlgorithm alg, CoseHeaders extra,
            CoseHeaders unprotected) {
        if (!alg.family().fits(structure)) {
            throw new IllegalArgumentException(alg + " cannot be used with " + structure);
        }
        if (extra.contains(CoseHeaders.ALG) || unprotected.contains(CoseHeaders.ALG)) {
            throw new IllegalArgumentException("alg is set from the algorithm argument, not from headers");
        }
        for (int i = 0; i < extra.size(); i++) {
            if (unprotected.contains(extra.label(i))) {
                throw new IllegalArgumentException("header " + CoseHeaders.quote(extra.label(i))
                        + " is in both protected and unprotected headers");
            }
        }
        return extra.isEmpty() ? alg.protectedHeader() : extra.withAlgorithm(alg);
    }

    /** [context, protected, external_aad, payload] (or without payload for Encrypt0), as one byte array. */
    static byte[] toBeProcessed(CoseStructure structure, byte[] prot, byte[] aad, byte[] payload) {
        byte[] prefix = structure.structurePrefix();
        int size = prefix.length + CborWriter.headSize(prot.length) + prot.length
                + CborWriter.headSize(aad.length) + aad.length;
        if (payload != null) {
            size += CborWriter.headSize(payload.length) + payload.length;
        }
        CborWriter w = new CborWriter(size);
        w.writeRaw(prefix, 0, prefix.length).writeByteString(prot).writeByteString(aad);
        if (payload != null) {
            w.writeByteString(payload);
        }
        return w.toByteArray();
    }

    /** The tagged message: tag([protected, unprotected, content(, authTag)]). */
    static byte[] encode(CoseStructure structure, byte[] prot, byte[] unprotectedMap, byte[] content,
            byte[] authTag) {
        int size = 2 + CborWriter.headSize(prot.length) + prot.length + unprotectedMap.length
                + CborWriter.headSize(content.length) + content.length;
        if (authTag != null) {
            size += CborWriter.headSize(authTag.length) + authTag.length;
        }
        CborWriter w = new CborWriter(size);
        w.writeTag(structure.tag()).writeArrayHeader(authTag == null ? 3 : 4).writeByteString(prot)
                .writeRaw(unprotectedMap, 0, unprotectedMap.length).writeByteString(content);
        if (authTag != null) {
            w.writeByteString(authTag);
        }
        return w.toByteArray();
    }

    /** True for h'A0': an empty map sent in the protected bstr instead of a zero-length bstr. */
    static boolean isEncodedEmptyMap(byte[] prot) {
        return prot.length == 1 && prot[0] == (byte) 0xA0;
    }

    static CoseMessage parse(byte[] message, CoseStructure expected) throws CoseException {
        if (message == null || message.length == 0) {
            throw CoseException.malformed("empty message");
        }
        CborReader r = new CborReader(message);
        if (r.peekMajorType() == CborReader.MAJOR_TAG) {
            long tag = r.readTag();
            if (tag != expected.tag()) {
                throw CoseException.malformed("not a " + expected + " message: tag " + Long.toUnsignedString(tag));
            }
        }
        if (r.peekMajorType() != CborReader.MAJOR_ARRAY) {
            throw CoseException.malformed("not a " + expected + " message: "
                    + CborReader.describe(r.peekMajorType()) + " instead of an array");
        }
        int items = r.readArrayLength();
        if (items != expected.arrayLength()) {
            throw CoseException.malformed(expected + " must be an array of " + expected.arrayLength()
                    + " items, not " + items);
        }
        if (r.peekMajorType() != CborReader.MAJOR_BYTES) {
            throw CoseException.malformed("protected header is not a byte string");
        }
        int protLength = r.readByteStringLength();
        int protOffset = r.position();
        r.skipBytes(protLength);
        CoseHeaders prot = CoseHeaders.readProtected(message, protOffset, protLength);
        if (r.peekMajorType() != CborReader.MAJOR_MAP) {
            throw CoseException.malformed("unprotected header is not a map");
        }
        CoseHeaders unprot = CoseHeaders.read(r, message, "unprotected");
        String contentName = expected == CoseStructure.ENCRYPT0 ? "ciphertext" : "payload";
        byte[] content = readBytes(r, contentName);
        byte[] authTag = null;
        if (expected != CoseStructure.ENCRYPT0) {
            authTag = readBytes(r, expected == CoseStructure.SIGN1 ? "signature" : "MAC tag");
        }
        if (r.hasMore()) {
            throw CoseException.malformed("trailing bytes after the " + expected + " message");
        }
        checkHeaders(prot, unprot);
        CoseAlgorithm alg = algorithm(prot, unprot, expected);
        if (expected == CoseStructure.ENCRYPT0) {
            checkIv(alg, prot, unprot);
        }
        return new CoseMessage(expected, alg, prot, unprot, content, authTag, null);
    }

    private static byte[] readBytes(CborReader r, String name) throws CoseException {
        if (r.peekNull()) {
            throw CoseException.unsupported("detached " + name + " is not supported");
        }
        if (r.peekMajorType() != CborReader.MAJOR_BYTES) {
            throw CoseException.malformed(name + " is " + CborReader.describe(r.peekMajorType())
                    + ", not a byte string");
        }
        return r.readByteString();
    }

    private static void checkHeaders(CoseHeaders prot, CoseHeaders unprot) throws CoseException {
        if (!unprot.isEmpty()) {
            for (int i = 0; i < prot.size(); i++) {
                if (unprot.contains(prot.label(i))) {
                    throw CoseException.malformed("header " + CoseHeaders.quote(prot.label(i))
                            + " is in both protected and unprotected headers");
                }
            }
            if (unprot.contains(CoseHeaders.CRIT)) {
                throw CoseException.malformed("crit header must be protected");
            }
        }
        for (Object label : prot.crit()) {
            if (!prot.contains(label)) {
                throw CoseException.malformed("crit lists header " + CoseHeaders.quote(label)
                        + " that is not in the protected header");
            }
            if (!UNDERSTOOD.contains(label)) {
                throw CoseException.unsupported("critical header " + CoseHeaders.quote(label) + " is not understood");
            }
        }
    }

    private static CoseAlgorithm algorithm(CoseHeaders prot, CoseHeaders unprot, CoseStructure structure)
            throws CoseException {
        Object raw = prot.algorithmValue() != null ? prot.algorithmValue() : unprot.algorithmValue();
        if (raw == null) {
            throw CoseException.malformed("algorithm header missing");
        }
        if (raw instanceof String) {
            throw CoseException.unsupported("unsupported algorithm \"" + raw + "\"");
        }
        if (!(raw instanceof Integer)) {
            throw CoseException.unsupported("unsupported algorithm " + raw);
        }
        CoseAlgorithm alg = CoseAlgorithm.fromId((Integer) raw);
        if (!alg.family().fits(structure)) {
            throw CoseException.unsupported("algorithm " + alg + " cannot be used with " + structure);
        }
        return alg;
    }

    private static void checkIv(CoseAlgorithm alg, CoseHeaders prot, CoseHeaders unprot) throws CoseException {
        byte[] iv = iv(prot, unprot);
        if (iv == null) {
            if (prot.contains(CoseHeaders.PARTIAL_IV) || unprot.contains(CoseHeaders.PARTIAL_IV)) {
                throw CoseException.unsupported("partial IV is not supported");
            }
            throw CoseException.malformed("IV header missing");
        }
        if (iv.length != alg.ivBytes()) {
            throw CoseException.malformed("IV has " + iv.length + " bytes, " + alg + " needs " + alg.ivBytes());
        }
    }

    static byte[] iv(CoseHeaders prot, CoseHeaders unprot) {
        return prot.ivRef() != null ? prot.ivRef() : unprot.ivRef();
    }
}
