package io.github.lwm2mportfolio.core.cose;

import java.security.Key;
import java.security.interfaces.ECKey;

/** Converts ECDSA signatures between COSE's raw r||s (RFC 9053 §2.1) and the JCA's DER SEQUENCE. */
final class EcdsaDer {

    private EcdsaDer() {
    }

    /** The size in bytes of r (and s) for this key's curve, or {@code fallback} if the key does not say. */
    static int coordinateBytes(Key key, int fallback) {
        if (key instanceof ECKey) {
            return (((ECKey) key).getParams().getCurve().getField().getFieldSize() + 7) / 8;
        }
        return fallback;
    }

    static byte[] rawToDer(byte[] raw) {
        int n = raw.length / 2;
        int rStart = firstSignificant(raw, 0, n);
        int sStart = firstSignificant(raw, n, 2 * n);
        int rLen = n - rStart + ((raw[rStart] & 0x80) != 0 ? 1 : 0);
        int sLen = 2 * n - sStart + ((raw[sStart] & 0x80) != 0 ? 1 : 0);
        int seqLen = 2 + rLen + 2 + sLen;
        byte[] der = new byte[seqLen + (seqLen > 127 ? 3 : 2)];
        int p = 0;
        der[p++] = 0x30;
        if (seqLen > 127) {
            der[p++] = (byte) 0x81;
        }
        der[p++] = (byte) seqLen;
        p = writeInteger(der, p, raw, rStart, n, rLen);
        writeInteger(der, p, raw, sStart, 2 * n, sLen);
        return der;
    }

    static byte[] derToRaw(byte[] der, int n) throws CoseException {
        try {
            int p = 0;
            if (der[p++] != 0x30) {
                throw bad();
            }
            int seqLen = der[p++] & 0xFF;
            if (seqLen == 0x81) {
                seqLen = der[p++] & 0xFF;
            } else if (seqLen > 127) {
                throw bad();
            }
            if (p + seqLen != der.length) {
                throw bad();
            }
            byte[] raw = new byte[2 * n];
            p = readInteger(der, p, raw, 0, n);
            p = readInteger(der, p, raw, n, n);
            if (p != der.length) {
                throw bad();
            }
            return raw;
        } catch (ArrayIndexOutOfBoundsException e) {
            throw bad();
        }
    }

    private static int firstSignificant(byte[] b, int from, int to) {
        int i = from;
        while (i < to - 1 && b[i] == 0) {
            i++;
        }
        return i;
    }

    private static int writeInteger(byte[] der, int p, byte[] raw, int start, int end, int len) {
        der[p++] = 0x02;
        der[p++] = (byte) len;
        if (len > end - start) {
            der[p++] = 0;
        }
        System.arraycopy(raw, start, der, p, end - start);
        return p + end - start;
    }

    private static int readInteger(byte[] der, int p, byte[] raw, int offset, int n) throws CoseException {
        if (der[p++] != 0x02) {
            throw bad();
        }
        int len = der[p++] & 0xFF;
        int start = p;
        int end = p + len;
        while (start < end - 1 && der[start] == 0) {
            start++;
        }
        int significant = end - start;
        if (len == 0 || significant > n) {
            throw bad();
        }
        System.arraycopy(der, start, raw, offset + n - significant, significant);
        return end;
    }

    private static CoseException bad() {
        return CoseException.keyMismatch("unexpected ECDSA signature encoding from the signing provider");
    }
}
