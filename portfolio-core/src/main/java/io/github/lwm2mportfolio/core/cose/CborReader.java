package io.github.lwm2mportfolio.core.cose;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A minimal, strict CBOR (RFC 8949) pull reader for COSE envelopes and AuthData claims. It reads
 * from a byte array without copying and reports every malformation as a {@link CoseException} of
 * kind MALFORMED, so that bad bytes never surface as another exception type. Not a general CBOR
 * library: definite lengths only for the items read explicitly; {@link #skipItem()} accepts any
 * well-formed item.
 */
public final class CborReader {

    public static final int MAJOR_UNSIGNED = 0;
    public static final int MAJOR_NEGATIVE = 1;
    public static final int MAJOR_BYTES = 2;
    public static final int MAJOR_TEXT = 3;
    public static final int MAJOR_ARRAY = 4;
    public static final int MAJOR_MAP = 5;
    public static final int MAJOR_TAG = 6;
    public static final int MAJOR_SIMPLE = 7;

    private static final int MAX_DEPTH = 64;
    private static final int BREAK = 0xFF;

    private final byte[] buf;
    private final int end;
    private int pos;

    public CborReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public CborReader(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset > buf.length - length) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length);
        }
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    public int position() {
        return pos;
    }

    public boolean hasMore() {
        return pos < end;
    }

    /** The major type (0..7) of the next item, without consuming it. */
    public int peekMajorType() throws CoseException {
        need(1);
        return (buf[pos] & 0xFF) >>> 5;
    }

    /** True when the next item is the simple value null. */
    public boolean peekNull() throws CoseException {
        need(1);
        return (buf[pos] & 0xFF) == 0xF6;
    }

    /** Reads a tag head and returns the tag number (unsigned, so very large tags are negative). */
    public long readTag() throws CoseException {
        return readDefiniteHead(MAJOR_TAG, "a tag");
    }

    /** Reads a definite-length array head and returns the number of items. */
    public int readArrayLength() throws CoseException {
        return count(readDefiniteHead(MAJOR_ARRAY, "an array"), 1);
    }

    /** Reads a definite-length map head and returns the number of pairs. */
    public int readMapLength() throws CoseException {
        return count(readDefiniteHead(MAJOR_MAP, "a map"), 2);
    }

    /**
     * Reads a definite-length byte string head and returns its length; the content starts at
     * {@link #position()} and is consumed with {@link #skipBytes(int)}.
     */
    public int readByteStringLength() throws CoseException {
        return length(readDefiniteHead(MAJOR_BYTES, "a byte string"));
    }

    /** Reads a definite-length byte string and returns a copy of its content. */
    public byte[] readByteString() throws CoseException {
        int len = readByteStringLength();
        byte[] out = new byte[len];
        System.arraycopy(buf, pos, out, 0, len);
        pos += len;
        return out;
    }

    /** Reads a definite-length text string; invalid UTF-8 is malformed. */
    public String readTextString() throws CoseException {
        int len = length(readDefiniteHead(MAJOR_TEXT, "a text string"));
        if (isAscii(pos, len)) {
            // ASCII is valid UTF-8 and decodes byte for byte: no decoder needed (ISO 8859-1 copies the bytes)
            String s = new String(buf, pos, len, StandardCharsets.ISO_8859_1);
            pos += len;
            return s;
        }
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, pos, len))
                    .toString();
            pos += len;
            return s;
        } catch (CharacterCodingException e) {
            throw CoseException.malformed("text string is not valid UTF-8");
        }
    }

    private boolean isAscii(int from, int len) {
        for (int i = from; i < from + len; i++) {
            if (buf[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** Reads an unsigned or negative integer that fits in a Java long. */
    public long readInteger() throws CoseException {
        int major = peekMajorType();
        if (major != MAJOR_UNSIGNED && major != MAJOR_NEGATIVE) {
            throw CoseException.malformed("expected an integer, found " + describe(major));
        }
        long arg = readDefiniteHead(major, "an integer");
        if (arg < 0) {
            throw CoseException.malformed("integer out of range");
        }
        return major == MAJOR_UNSIGNED ? arg : -1 - arg;
    }

    /**
     * Reads an unsigned integer and returns it as an unsigned 64-bit value: compare with
     * {@link Long#compareUnsigned}; a negative result means a value above {@link Long#MAX_VALUE}.
     */
    public long readUnsigned() throws CoseException {
        return readDefiniteHead(MAJOR_UNSIGNED, "an unsigned integer");
    }

    /** Consumes {@code n} raw bytes (the content of a string whose head was read). */
    public void skipBytes(int n) throws CoseException {
        need(n);
        pos += n;
    }

    /** Consumes one complete, well-formed data item of any type. */
    public void skipItem() throws CoseException {
        skip(0);
    }

    /** A short name of a major type, for error messages. */
    public static String describe(int major) {
        switch (major) {
            case MAJOR_UNSIGNED:
            case MAJOR_NEGATIVE:
                return "an integer";
            case MAJOR_BYTES:
                return "a byte string";
            case MAJOR_TEXT:
                return "a text string";
            case MAJOR_ARRAY:
                return "an array";
            case MAJOR_MAP:
                return "a map";
            case MAJOR_TAG:
                return "a tag";
            default:
                return "a simple value";
        }
    }

    private void skip(int depth) throws CoseException {
        if (depth > MAX_DEPTH) {
            throw CoseException.malformed("CBOR nested too deeply");
        }
        need(1);
        int ib = buf[pos++] & 0xFF;
        int major = ib >>> 5;
        int ai = ib & 0x1F;
        if (ai == 31) {
            skipIndefinite(major, depth);
            return;
        }
        long arg = argument(ai);
        switch (major) {
            case MAJOR_BYTES:
            case MAJOR_TEXT:
                skipBytes(length(arg));
                return;
            case MAJOR_ARRAY:
                for (int i = count(arg, 1); i > 0; i--) {
                    skip(depth + 1);
                }
                return;
            case MAJOR_MAP:
                for (int i = count(arg, 2); i > 0; i--) {
                    skip(depth + 1);
                    skip(depth + 1);
                }
                return;
            case MAJOR_TAG:
                skip(depth + 1);
                return;
            case MAJOR_SIMPLE:
                if (ai == 24 && arg < 32) {
                    throw CoseException.malformed("invalid two-byte simple value " + arg);
                }
                return;
            default:
                return;
        }
    }

    private void skipIndefinite(int major, int depth) throws CoseException {
        switch (major) {
            case MAJOR_BYTES:
            case MAJOR_TEXT:
                while (!takeBreak()) {
                    int cib = buf[pos++] & 0xFF;
                    if (cib >>> 5 != major || (cib & 0x1F) == 31) {
                        throw CoseException.malformed("bad chunk in an indefinite-length string");
                    }
                    skipBytes(length(argument(cib & 0x1F)));
                }
                return;
            case MAJOR_ARRAY:
                while (!takeBreak()) {
                    skip(depth + 1);
                }
                return;
            case MAJOR_MAP:
                while (!takeBreak()) {
                    skip(depth + 1);
                    skip(depth + 1);
                }
                return;
            case MAJOR_SIMPLE:
                throw CoseException.malformed("unexpected break");
            default:
                throw CoseException.malformed("indefinite length is not allowed for " + describe(major));
        }
    }

    // Consumes a break byte if one is next; needs at least one byte either way.
    private boolean takeBreak() throws CoseException {
        need(1);
        if ((buf[pos] & 0xFF) == BREAK) {
            pos++;
            return true;
        }
        return false;
    }

    private long readDefiniteHead(int expectedMajor, String what) throws CoseException {
        need(1);
        int ib = buf[pos] & 0xFF;
        int major = ib >>> 5;
        if (major != expectedMajor) {
            throw CoseException.malformed("expected " + what + ", found " + describe(major));
        }
        int ai = ib & 0x1F;
        if (ai == 31) {
            throw CoseException.malformed("indefinite-length " + what.substring(what.indexOf(' ') + 1)
                    + " is not supported here");
        }
        pos++;
        return argument(ai);
    }

    // The head's argument as an unsigned 64-bit value (negative means above Long.MAX_VALUE).
    private long argument(int ai) throws CoseException {
        if (ai < 24) {
            return ai;
        }
        switch (ai) {
            case 24:
                need(1);
                return buf[pos++] & 0xFF;
            case 25:
                need(2);
                return ((buf[pos++] & 0xFF) << 8) | (buf[pos++] & 0xFF);
            case 26:
                need(4);
                return ((long) (buf[pos++] & 0xFF) << 24) | ((buf[pos++] & 0xFF) << 16)
                        | ((buf[pos++] & 0xFF) << 8) | (buf[pos++] & 0xFF);
            case 27:
                need(8);
                long v = 0;
                for (int i = 0; i < 8; i++) {
                    v = (v << 8) | (buf[pos++] & 0xFF);
                }
                return v;
            default:
                throw CoseException.malformed("reserved additional information " + ai);
        }
    }

    private int length(long arg) throws CoseException {
        if (arg < 0 || arg > end - pos) {
            throw CoseException.malformed("truncated CBOR data");
        }
        return (int) arg;
    }

    // Every item takes at least one byte, so a count above the bytes left cannot be honest.
    private int count(long arg, int bytesPerEntry) throws CoseException {
        if (arg < 0 || arg > (end - pos) / bytesPerEntry) {
            throw CoseException.malformed("truncated CBOR data");
        }
        return (int) arg;
    }

    private void need(int n) throws CoseException {
        if (end - pos < n) {
            throw CoseException.malformed("truncated CBOR data");
        }
    }
}
