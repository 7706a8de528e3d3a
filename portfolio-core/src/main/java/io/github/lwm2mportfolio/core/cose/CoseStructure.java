package io.github.lwm2mportfolio.core.cose;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The three single-recipient COSE structures (RFC 9052), with their CBOR tags. */
public enum CoseStructure {
    ENCRYPT0(16, "COSE_Encrypt0", "Encrypt0", 3),
    MAC0(17, "COSE_Mac0", "MAC0", 4),
    SIGN1(18, "COSE_Sign1", "Signature1", 4);

    private final int tag;
    private final String displayName;
    private final int arrayLength;
    // The head of the structure that is signed, MACed or used as AAD: array head and context string.
    private final byte[] structurePrefix;

    CoseStructure(int tag, String displayName, String context, int arrayLength) {
        this.tag = tag;
        this.displayName = displayName;
        this.arrayLength = arrayLength;
        byte[] ctx = context.getBytes(StandardCharsets.US_ASCII);
        CborWriter w = new CborWriter(ctx.length + 2);
        w.writeArrayHeader(arrayLength);
        w.writeHead(CborReader.MAJOR_TEXT, ctx.length).writeRaw(ctx, 0, ctx.length);
        this.structurePrefix = w.toByteArray();
    }

    /** The CBOR tag that marks this structure (16, 17 or 18). */
    public int tag() {
        return tag;
    }

    public String displayName() {
        return displayName;
    }

    int arrayLength() {
        return arrayLength;
    }

    byte[] structurePrefix() {
        return structurePrefix;
    }

    /**
     * The structure a tagged message announces by its leading tag, without parsing the rest; empty
     * when the bytes do not start with tag 16, 17 or 18.
     */
    public static Optional<CoseStructure> ofTaggedMessage(byte[] message) {
        if (message == null || message.length == 0) {
            return Optional.empty();
        }
        // Tags 16..18 fit in the initial byte: 0xC0 | tag.
        switch (message[0] & 0xFF) {
            case 0xD0:
                return Optional.of(ENCRYPT0);
            case 0xD1:
                return Optional.of(MAC0);
            case 0xD2:
                return Optional.of(SIGN1);
            default:
                return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return displayName;
    }
}
