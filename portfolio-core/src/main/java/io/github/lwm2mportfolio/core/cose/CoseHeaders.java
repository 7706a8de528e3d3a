package io.github.lwm2mportfolio.core.cose;

import com.upokecenter.cbor.CBORObject;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One COSE header map (protected or unprotected), immutable. Labels are {@link Integer} or
 * {@link String}; each value is kept as its CBOR encoding, and the well-known headers this
 * implementation uses (alg, crit, kid, IV, x5chain) are checked for type when the map is read.
 */
public final class CoseHeaders {

    public static final int ALG = 1;
    public static final int CRIT = 2;
    public static final int CONTENT_TYPE = 3;
    public static final int KID = 4;
    public static final int IV = 5;
    public static final int PARTIAL_IV = 6;
    public static final int X5CHAIN = 33;

    private static final byte[] EMPTY_MAP = {(byte) 0xA0};

    /** No headers; encodes as an empty map. */
    public static final CoseHeaders EMPTY = new CoseHeaders(Collections.emptyMap(), EMPTY_MAP, null, null, null,
            List.of(), List.of());

    private final Map<Object, byte[]> values;
    private final byte[] encoded;
    private final Object algorithm;
    private final byte[] kid;
    private final byte[] iv;
    private final List<byte[]> x5chain;
    private final List<Object> crit;

    private CoseHeaders(Map<Object, byte[]> values, byte[] encoded, Object algorithm, byte[] kid, byte[] iv,
            List<byte[]> x5chain, List<Object> crit) {
        this.values = values;
        this.encoded = encoded;
        this.algorithm = algorithm;
        this.kid = kid;
        this.iv = iv;
        this.x5chain = x5chain;
        this.crit = crit;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        return b;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The labels present, in encoding order. */
    public Set<Object> labels() {
        return values.keySet();
    }

    /** True when {@code label} (an Integer or a String) is present. */
    public boolean contains(Object label) {
        return values.containsKey(label);
    }

    /** The CBOR encoding of the value under {@code label}. */
    public Optional<byte[]> encodedValue(Object label) {
        byte[] v = values.get(label);
        return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    /** The exact bytes this map was read from or encoded to (zero length for an empty protected bstr). */
    public byte[] encoded() {
        return encoded.clone();
    }

    public Optional<byte[]> kid() {
        return kid == null ? Optional.empty() : Optional.of(kid.clone());
    }

    public Optional<byte[]> iv() {
        return iv == null ? Optional.empty() : Optional.of(iv.clone());
    }

    /** The DER certificates of an x5chain header (leaf first); empty when absent. */
    public List<byte[]> x5chain() {
        List<byte[]> out = new ArrayList<>(x5chain.size());
        for (byte[] der : x5chain) {
            out.add(der.clone());
        }
        return out;
    }

    // Integer, String or null: the raw alg value, resolved by the message that carries it.
    Object algorithmValue() {
        return algorithm;
    }

    byte[] kidRef() {
        return kid;
    }

    byte[] ivRef() {
        return iv;
    }

    List<byte[]> x5chainRefs() {
        return x5chain;
    }

    List<Object> crit() {
        return crit;
    }

    byte[] encodedRef() {
        return encoded;
    }

    /** Reads the bstr-wrapped protected map; a zero-length bstr is an empty map. */
    static CoseHeaders readProtected(byte[] buf, int offset, int length) throws CoseException {
        if (length == 0) {
            return new CoseHeaders(Collections.emptyMap(), new byte[0], null, null, null, List.of(), List.of());
        }
        CborReader r = new CborReader(buf, offset, length);
        if (r.peekMajorType() != CborReader.MAJOR_MAP) {
            throw CoseException.malformed("protected header is not a map");
        }
        CoseHeaders h = read(r, buf, "protected");
        if (r.hasMore()) {
            throw CoseException.malformed("trailing bytes after the protected header map");
        }
        return h;
    }

    /** Reads one header map item at the reader's position. */
    static CoseHeaders read(CborReader r, byte[] buf, String which) throws CoseException {
        int start = r.position();
        int n = r.readMapLength();
        Map<Object, byte[]> values = new LinkedHashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            Object label = readLabel(r, which);
            int valueStart = r.position();
            r.skipItem();
            if (values.put(label, Arrays.copyOfRange(buf, valueStart, r.position())) != null) {
                throw CoseException.malformed("duplicate " + which + " header label " + quote(label));
            }
        }
        return of(values, Arrays.copyOfRange(buf, start, r.position()));
    }

    static String quote(Object label) {
        return label instanceof String ? "\"" + label + "\"" : String.valueOf(label);
    }

    private static Object readLabel(CborReader r, String which) throws CoseException {
        int major = r.peekMajorType();
        if (major == CborReader.MAJOR_TEXT) {
            return r.readTextString();
        }
        if (major != CborReader.MAJOR_UNSIGNED && major != CborReader.MAJOR_NEGATIVE) {
            throw CoseException.malformed(which + " header label is " + CborReader.describe(major)
                    + ", not an integer or text");
        }
        long v = r.readInteger();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw CoseException.malformed(which + " header label " + v + " out of range");
        }
        return (int) v;
    }

    // Derives the typed view from the encoded values; the single place header types are checked.
    private static CoseHeaders of(Map<Object, byte[]> values, byte[] encoded) throws CoseException {
        Object alg = null;
        byte[] kid = null;
        byte[] iv = null;
        List<byte[]> x5chain = List.of();
        List<Object> crit = List.of();
        byte[] v = values.get(ALG);
        if (v != null) {
            alg = readAlgorithm(v);
        }
        if ((v = values.get(KID)) != null) {
            kid = readWholeByteString(v, "kid");
        }
        if ((v = values.get(IV)) != null) {
            iv = readWholeByteString(v, "IV");
        }
        if ((v = values.get(X5CHAIN)) != null) {
            x5chain = readX5chain(v);
        }
        if ((v = values.get(CRIT)) != null) {
            crit = readCrit(v);
        }
        return new CoseHeaders(Collections.unmodifiableMap(values), encoded, alg, kid, iv, x5chain, crit);
    }

    private static Object readAlgorithm(byte[] v) throws CoseException {
        CborReader r = new CborReader(v);
        int major = r.peekMajorType();
        if (major == CborReader.MAJOR_TEXT) {
            return r.readTextString();
        }
        if (major != CborReader.MAJOR_UNSIGNED && major != CborReader.MAJOR_NEGATIVE) {
            throw CoseException.malformed("alg header is " + CborReader.describe(major) + ", not an integer or text");
        }
        try {
            long id = r.readInteger();
            // Not a conditional expression: it would promote the Integer to a Long.
            if (id < Integer.MIN_VALUE || id > Integer.MAX_VALUE) {
                return Long.valueOf(id);
            }
            return Integer.valueOf((int) id);
        } catch (CoseException e) {
            throw CoseException.unsupported("unsupported algorithm (identifier out of range)");
        }
    }

    private static byte[] readWholeByteString(byte[] v, String name) throws CoseException {
        CborReader r = new CborReader(v);
        if (r.peekMajorType() != CborReader.MAJOR_BYTES) {
            throw CoseException.malformed(name + " header is " + CborReader.describe(r.peekMajorType())
                    + ", not a byte string");
        }
        return r.readByteString();
    }

    private static List<byte[]> readX5chain(byte[] v) throws CoseException {
        CborReader r = new CborReader(v);
        int major = r.peekMajorType();
        if (major == CborReader.MAJOR_BYTES) {
            return List.of(r.readByteString());
        }
        if (major != CborReader.MAJOR_ARRAY) {
            throw CoseException.malformed("x5chain header is " + CborReader.describe(major)
                    + ", not a byte string or an array");
        }
        int n = r.readArrayLength();
        if (n == 0) {
            throw CoseException.malformed("x5chain header is an empty array");
        }
        List<byte[]> certs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (r.peekMajorType() != CborReader.MAJOR_BYTES) {
                throw CoseException.malformed("x5chain item " + i + " is not a byte string");
            }
            certs.add(r.readByteString());
        }
        return Collections.unmodifiableList(certs);
    }

    private static List<Object> readCrit(byte[] v) throws CoseException {
        CborReader r = new CborReader(v);
        if (r.peekMajorType() != CborReader.MAJOR_ARRAY) {
            throw CoseException.malformed("crit header is not an array");
        }
        int n = r.readArrayLength();
        if (n == 0) {
            throw CoseException.malformed("crit header is an empty array");
        }
        List<Object> labels = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            labels.add(readLabel(r, "crit"));
        }
        return Collections.unmodifiableList(labels);
    }

    @Override
    public String toString() {
        return "CoseHeaders" + values.keySet();
    }

    /** Collects headers for making a message; {@link #build()} encodes them deterministically. */
    public static final class Builder {

        private final Map<Object, byte[]> values = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder kid(byte[] kid) {
            return putEncoded(KID, new CborWriter(kid.length + 3).writeByteString(kid).toByteArray());
        }

        public Builder contentType(int coapContentFormat) {
            return putEncoded(CONTENT_TYPE, new CborWriter(3).writeInt(coapContentFormat).toByteArray());
        }

        /** The certificate chain, leaf first: one certificate as a bstr, several as an array (RFC 9360). */
        public Builder x5chain(List<X509Certificate> chain) {
            if (chain.isEmpty()) {
                values.remove(X5CHAIN);
                return this;
            }
            try {
                CborWriter w = new CborWriter(chain.size() * 600);
                if (chain.size() > 1) {
                    w.writeArrayHeader(chain.size());
                }
                for (X509Certificate c : chain) {
                    w.writeByteString(c.getEncoded());
                }
                return putEncoded(X5CHAIN, w.toByteArray());
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
            }
        }

        /** Any header; the value is stored as its CBOR encoding. */
        public Builder put(int label, CBORObject value) {
            return putEncoded(label, value.EncodeToBytes());
        }

        Builder iv(byte[] iv) {
            return putEncoded(IV, new CborWriter(iv.length + 2).writeByteString(iv).toByteArray());
        }

        Builder putEncoded(Object label, byte[] encodedValue) {
            values.put(label, encodedValue);
            return this;
        }

        /**
         * Encodes the map with labels in RFC 8949 core deterministic order (bytewise order of the
         * encoded labels). Header values of the well-known labels are type-checked.
         */
        public CoseHeaders build() {
            if (values.isEmpty()) {
                return EMPTY;
            }
            List<Map.Entry<byte[], Object>> keys = new ArrayList<>(values.size());
            int size = 1;
            for (Map.Entry<Object, byte[]> e : values.entrySet()) {
                byte[] label = encodeLabel(e.getKey());
                keys.add(Map.entry(label, e.getKey()));
                size += label.length + e.getValue().length;
            }
            keys.sort((a, b) -> Arrays.compareUnsigned(a.getKey(), b.getKey()));
            CborWriter w = new CborWriter(size + 8).writeMapHeader(keys.size());
            Map<Object, byte[]> sorted = new LinkedHashMap<>(keys.size() * 2);
            for (Map.Entry<byte[], Object> k : keys) {
                byte[] value = values.get(k.getValue());
                w.writeRaw(k.getKey(), 0, k.getKey().length).writeRaw(value, 0, value.length);
                sorted.put(k.getValue(), value);
            }
            try {
                return of(sorted, w.toByteArray());
            } catch (CoseException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }

        private static byte[] encodeLabel(Object label) {
            CborWriter w = new CborWriter(9);
            if (label instanceof Integer) {
                w.writeInt((Integer) label);
            } else {
                w.writeTextString((String) label);
            }
            return w.toByteArray();
        }
    }
}
