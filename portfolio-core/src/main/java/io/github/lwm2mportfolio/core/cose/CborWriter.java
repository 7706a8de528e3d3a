package io.github.lwm2mportfolio.core.cose;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal CBOR writer that always uses the shortest head (preferred serialisation, RFC 8949
 * §4.2.1), so that what it writes is deterministic. Used for COSE envelopes and AuthData claims.
 */
public final class CborWriter {

    private byte[] buf;
    private int size;

    public CborWriter(int initialCapacity) {
        this.buf = new byte[Math.max(initialCapacity, 0)];
    }

    /** Writes a head of the given major type with an unsigned argument. */
    public CborWriter writeHead(int major, long value) {
        ensure(9);
        size = encodeHead(major, value, buf, size);
        return this;
    }

    public CborWriter writeInt(long value) {
        return value >= 0 ? writeHead(CborReader.MAJOR_UNSIGNED, value)
                : writeHead(CborReader.MAJOR_NEGATIVE, -1 - value);
    }

    public CborWriter writeByteString(byte[] bytes) {
        return writeByteString(bytes, 0, bytes.length);
    }

    public CborWriter writeByteString(byte[] bytes, int offset, int length) {
        writeHead(CborReader.MAJOR_BYTES, length);
        return writeRaw(bytes, offset, length);
    }

    public CborWriter writeTextString(String text) {
        int length = text.length();
        if (!isAscii(text)) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            writeHead(CborReader.MAJOR_TEXT, utf8.length);
            return writeRaw(utf8, 0, utf8.length);
        }
        // ASCII is its own UTF-8: written char by char, without an intermediate byte array
        writeHead(CborReader.MAJOR_TEXT, length);
        ensure(length);
        for (int i = 0; i < length; i++) {
            buf[size++] = (byte) text.charAt(i);
        }
        return this;
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    public CborWriter writeArrayHeader(int count) {
        return writeHead(CborReader.MAJOR_ARRAY, count);
    }

    public CborWriter writeMapHeader(int count) {
        return writeHead(CborReader.MAJOR_MAP, count);
    }

    public CborWriter writeTag(long tag) {
        return writeHead(CborReader.MAJOR_TAG, tag);
    }

    /** Appends bytes that are already CBOR (a whole encoded item, or string content after its head). */
    public CborWriter writeRaw(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buf, size, length);
        size += length;
        return this;
    }

    public int size() {
        return size;
    }

    /** The bytes written; when the buffer is exactly full it is handed over without a copy. */
    public byte[] toByteArray() {
        // Safe to hand over: a later write to a full buffer always moves to a new array.
        return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }

    /** The number of bytes a head with this argument takes. */
    public static int headSize(long value) {
        if (value >= 0 && value < 24) {
            return 1;
        } else if (value >= 0 && value <= 0xFF) {
            return 2;
        } else if (value >= 0 && value <= 0xFFFF) {
            return 3;
        } else if (value >= 0 && value <= 0xFFFFFFFFL) {
            return 5;
        }
        return 9;
    }

    /** Writes a head into {@code out} at {@code offset} and returns the offset after it. */
    static int encodeHead(int major, long value, byte[] out, int offset) {
        int mt = major << 5;
        int n = headSize(value);
        switch (n) {
            case 1:
                out[offset] = (byte) (mt | value);
                return offset + 1;
            case 2:
                out[offset] = (byte) (mt | 24);
                break;
            case 3:
                out[offset] = (byte) (mt | 25);
                break;
            case 5:
                out[offset] = (byte) (mt | 26);
                break;
            default:
                out[offset] = (byte) (mt | 27);
                break;
        }
        for (int i = n - 1; i >= 1; i--) {
            out[offset + i] = (byte) value;
            value >>>= 8;
        }
        return offset + n;
    }

    private void ensure(int extra) {
        if (buf.length - size < extra) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }
}
