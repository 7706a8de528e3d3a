package io.github.lwm2mportfolio.core.cose;

import com.upokecenter.cbor.CBORObject;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One COSE header map (protected or unprotected), immutable. Labels are {@link Integer} or
 * {@link String}; values are kept as their CBOR encoding inside the map's encoding, and the
 * well-known headers this implementation uses (alg, crit, kid, IV, x5chain) are type-checked when
 * the map is read or built.
 */
public final class CoseHeaders {

    public static final int ALG = 1;
    public static final int CRIT = 2;
    public static final int CONTENT_TYPE = 3;
    public static final int KID = 4;
    public static final int IV = 5;
    public static final int PARTIAL_IV = 6;
    public static final int X5CHAIN = 33;

    // Linear search over a few labels beats hashing; a hostile map with many labels gets a set.
    private static final int LINEAR_SEARCH_MAX = 16;
    private static final Object[] NO_LABELS = new Object[0];
    private static final int[] NO_INTS = new int[0];

    /** No headers; encodes as an empty map. */
    public static final CoseHeaders EMPTY = new CoseHeaders(NO_LABELS, NO_INTS, NO_INTS, new byte[] {(byte) 0xA0});
    // An empty protected header sent as a zero-length bstr.
    static final CoseHeaders EMPTY_PROTECTED = new CoseHeaders(NO_LABELS, NO_INTS, NO_INTS, new byte[0]);

    private final Object[] labels;
    private final int[] valueOffsets;
    private final int[] valueLengths;
    private final byte[] encoded;
    private final int entriesOffset;
    private final Object algorithm;
    private final byte[] kid;
    private final byte[] iv;
    private final List<byte[]> x5chain;
    private final List<Object> crit;
    // withAlgorithm's last result: a maker makes many messages with one map and one algorithm.
    private volatile AlgorithmAdded algorithmAdded;

    private record AlgorithmAdded(CoseAlgorithm alg, byte[] encoded) {
    }

    private CoseHeaders(Object[] labels, int[] valueOffsets, int[] valueLengths, byte[] encoded) {
        this(labels, valueOffsets, valueLengths, encoded, encoded.length, null, null, null, List.of(), List.of());
    }

    private CoseHeaders(Object[] labels, int[] valueOffsets, int[] valueLengths, byte[] encoded, int entriesOffset,
            Object algorithm, byte[] kid, byte[] iv, List<byte[]> x5chain, List<Object> crit) {
        this.labels = labels;
        this.valueOffsets = valueOffsets;
        this.valueLengths = valueLengths;
        this.encoded = encoded;
        this.entriesOffset = entriesOffset;
        this.algorithm = algorithm;
        this.kid = kid;
        this.iv = iv;
        this.x5chain = x5chain;
        this.crit = crit;
    }

    // Checks and extracts the well-known headers; the single place their types are checked.
    private static CoseHeaders typed(Object[] labels, int[] offsets, int[] lengths, byte[] encoded,
            int entriesOffset) throws CoseException {
        Object algorithm = null;
        byte[] kid = null;
        byte[] iv = null;
        List<byte[]> x5chain = List.of();
        List<Object> crit = List.of();
        for (int i = 0; i < labels.length; i++) {
            if (!(labels[i] instanceof Integer)) {
                continue;
            }
            CborReader r = new CborReader(encoded, offsets[i], lengths[i]);
            switch ((Integer) labels[i]) {
                case ALG:
                    algorithm = readAlgorithm(r);
                    break;
                case KID:
                    kid = readByteString(r, "kid");
                    break;
                case IV:
                    iv = readByteString(r, "IV");
                    break;
                case X5CHAIN:
                    x5chain = readX5chain(r);
                    break;
                case CRIT:
                    crit = readCrit(r);
                    break;
                default:
                    break;
            }
        }
        return new CoseHeaders(labels, offsets, lengths, encoded, entriesOffset, algorithm, kid, iv, x5chain, crit);
    }

    /** A map holding only a kid: the common case, made without a builder. */
    public static CoseHeaders ofKid(byte[] kid) {
        return new CoseHeaders(new Object[] {KID}, new int[] {2}, new int[] {CborWriter.headSize(kid.length)
                + kid.length}, encodeOneByteString(KID, kid), 1, null, kid.clone(), null, List.of(), List.of());
    }

    /** The encoding of a map holding only an IV, the unprotected header of an Encrypt0 message we make. */
    static byte[] encodeIvOnly(byte[] iv) {
        return encodeOneByteString(IV, iv);
    }

    // {label: h'value'} for a label below 24
    private static byte[] encodeOneByteString(int label, byte[] value) {
        return new CborWriter(2 + CborWriter.headSize(value.length) + value.length).writeMapHeader(1).writeInt(label)
                .writeByteString(value).toByteArray();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        for (int i = 0; i < labels.length; i++) {
            b.putEncoded(labels[i], Arrays.copyOfRange(encoded, valueOffsets[i], valueOffsets[i] + valueLengths[i]));
        }
        return b;
    }

    public boolean isEmpty() {
        return labels.length == 0;
    }

    /** The labels present, in encoding order. */
    public List<Object> labels() {
        return Collections.unmodifiableList(Arrays.asList(labels));
    }

    /** True when {@code label} (an Integer or a String) is present. */
    public boolean contains(Object label) {
        return indexOf(label) >= 0;
    }

    /** The CBOR encoding of the value under {@code label}. */
    public Optional<byte[]> encodedValue(Object label) {
        int i = indexOf(label);
        return i < 0 ? Optional.empty()
                : Optional.of(Arrays.copyOfRange(encoded, valueOffsets[i], valueOffsets[i] + valueLengths[i]));
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

    // Integer, Long, String or null: the raw alg value, resolved by the message that carries it.
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

    int size() {
        return labels.length;
    }

    Object label(int index) {
        return labels[index];
    }

    /**
     * This map with {1: alg} added, encoded: the protected header of a message we make. Shared between
     * calls, so never to be changed.
     */
    byte[] withAlgorithm(CoseAlgorithm alg) {
        AlgorithmAdded last = algorithmAdded;
        if (last == null || last.alg() != alg) {
            last = new AlgorithmAdded(alg, addAlgorithm(alg));
            algorithmAdded = last;
        }
        return last.encoded();
    }

    private byte[] addAlgorithm(CoseAlgorithm alg) {
        if (contains(0)) {
            // Label 0 sorts before alg: let the builder order the map.
            byte[] encodedAlg = new CborWriter(3).writeInt(alg.id()).toByteArray();
            return toBuilder().putEncoded(ALG, encodedAlg).build().encodedRef();
        }
        // alg (label 1) sorts before every other label, so it goes in front of the sorted entries.
        byte[] algEntry = alg.protectedHeader();
        int size = CborWriter.headSize(size() + 1) + algEntry.length - 1 + encoded.length - entriesOffset;
        return new CborWriter(size).writeMapHeader(size() + 1).writeRaw(algEntry, 1, algEntry.length - 1)
                .writeRaw(encoded, entriesOffset, encoded.length - entriesOffset).toByteArray();
    }

    private int indexOf(Object label) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i].equals(label)) {
                return i;
            }
        }
        return -1;
    }

    /** Reads the bstr-wrapped protected map; a zero-length bstr is an empty map. */
    static CoseHeaders readProtected(byte[] buf, int offset, int length) throws CoseException {
        if (length == 0) {
            return EMPTY_PROTECTED;
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
        if (n == 0 && r.position() - start == 1) {
            // h'A0', which is what EMPTY holds: nothing to copy
            return EMPTY;
        }
        int entriesOffset = r.position() - start;
        Object[] labels = n == 0 ? NO_LABELS : new Object[n];
        int[] offsets = n == 0 ? NO_INTS : new int[n];
        int[] lengths = n == 0 ? NO_INTS : new int[n];
        Set<Object> seen = n > LINEAR_SEARCH_MAX ? new HashSet<>() : null;
        for (int i = 0; i < n; i++) {
            Object label = readLabel(r, which);
            if (seen != null ? !seen.add(label) : containsBefore(labels, i, label)) {
                throw CoseException.malformed("duplicate " + which + " header label " + quote(label));
            }
            labels[i] = label;
            offsets[i] = r.position() - start;
            r.skipItem();
            lengths[i] = r.position() - start - offsets[i];
        }
        return typed(labels, offsets, lengths, Arrays.copyOfRange(buf, start, r.position()), entriesOffset);
    }

    private static boolean containsBefore(Object[] labels, int end, Object label) {
        for (int i = 0; i < end; i++) {
            if (labels[i].equals(label)) {
                return true;
            }
        }
        return false;
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

    private static Object readAlgorithm(CborReader r) throws CoseException {
        int major = r.peekMajorType();
        if (major == CborReader.MAJOR_TEXT) {
            return r.readTextString();
        }
        if (major != CborReader.MAJOR_UNSIGNED && major != CborReader.MAJOR_NEGATIVE) {
            throw CoseException.malformed("alg header is " + CborReader.describe(major) + ", not an integer or text");
        }
        long id;
        try {
            id = r.readInteger();
        } catch (CoseException e) {
            throw CoseException.unsupported("unsupported algorithm (identifier out of range)");
        }
        // Not a conditional expression: it would promote the Integer to a Long.
        if (id < Integer.MIN_VALUE || id > Integer.MAX_VALUE) {
            return Long.valueOf(id);
        }
        return Integer.valueOf((int) id);
    }

    private static byte[] readByteString(CborReader r, String name) throws CoseException {
        int major = r.peekMajorType();
        if (major != CborReader.MAJOR_BYTES) {
            throw CoseException.malformed(name + " header is " + CborReader.describe(major) + ", not a byte string");
        }
        return r.readByteString();
    }

    private static List<byte[]> readX5chain(CborReader r) throws CoseException {
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

    private static List<Object> readCrit(CborReader r) throws CoseException {
        if (r.peekMajorType() != CborReader.MAJOR_ARRAY) {
            throw CoseException.malformed("crit header is not an array");
        }
        int n = r.readArrayLength();
        if (n == 0) {
            throw CoseException.malformed("crit header is an empty array");
        }
        List<Object> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readLabel(r, "crit"));
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public String toString() {
        return "CoseHeaders" + Arrays.toString(labels);
    }

    /** Collects headers for making a message; {@link #build()} encodes them deterministically. */
    public static final class Builder {

        private final List<Object> labels = new ArrayList<>(4);
        private final List<byte[]> values = new ArrayList<>(4);

        private Builder() {
        }

        public Builder kid(byte[] kid) {
            return putEncoded(KID, new CborWriter(kid.length + 3).writeByteString(kid).toByteArray());
        }

        public Builder contentType(int coapContentFormat) {
            return putEncoded(CONTENT_TYPE, new CborWriter(5).writeInt(coapContentFormat).toByteArray());
        }

        /** The certificate chain, leaf first: one certificate as a bstr, several as an array (RFC 9360). */
        public Builder x5chain(List<X509Certificate> chain) {
            if (chain.isEmpty()) {
                remove(X5CHAIN);
                return this;
            }
            try {
                List<byte[]> ders = new ArrayList<>(chain.size());
                int size = 1;
                for (X509Certificate c : chain) {
                    byte[] der = c.getEncoded();
                    ders.add(der);
                    size += der.length + 5;
                }
                CborWriter w = new CborWriter(size);
                if (ders.size() > 1) {
                    w.writeArrayHeader(ders.size());
                }
                for (byte[] der : ders) {
                    w.writeByteString(der);
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
            remove(label);
            labels.add(label);
            values.add(encodedValue);
            return this;
        }

        private void remove(Object label) {
            int i = labels.indexOf(label);
            if (i >= 0) {
                labels.remove(i);
                values.remove(i);
            }
        }

        /**
         * Encodes the map with labels in RFC 8949 core deterministic order (bytewise order of the
         * encoded labels). Values of the well-known labels are type-checked.
         *
         * @throws IllegalArgumentException when a well-known header has the wrong type
         */
        public CoseHeaders build() {
            int n = labels.size();
            if (n == 0) {
                return EMPTY;
            }
            byte[][] encodedLabels = new byte[n][];
            Integer[] order = new Integer[n];
            int size = 9;
            for (int i = 0; i < n; i++) {
                encodedLabels[i] = encodeLabel(labels.get(i));
                order[i] = i;
                size += encodedLabels[i].length + values.get(i).length;
            }
            if (n > 1) {
                Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(encodedLabels[a], encodedLabels[b]));
            }
            CborWriter w = new CborWriter(size).writeMapHeader(n);
            int entriesOffset = w.size();
            Object[] sortedLabels = new Object[n];
            int[] offsets = new int[n];
            int[] lengths = new int[n];
            for (int k = 0; k < n; k++) {
                int i = order[k];
                byte[] value = values.get(i);
                w.writeRaw(encodedLabels[i], 0, encodedLabels[i].length);
                sortedLabels[k] = labels.get(i);
                offsets[k] = w.size();
                lengths[k] = value.length;
                w.writeRaw(value, 0, value.length);
            }
            try {
                return typed(sortedLabels, offsets, lengths, w.toByteArray(), entriesOffset);
            } catch (CoseException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }

        private static byte[] encodeLabel(Object label) {
            if (label instanceof Integer) {
                int v = (Integer) label;
                if (v >= 0 && v < 24) {
                    return new byte[] {(byte) v};
                }
                return new CborWriter(5).writeInt(v).toByteArray();
            }
            return new CborWriter(((String) label).length() * 3 + 5).writeTextString((String) label).toByteArray();
        }
    }
}
