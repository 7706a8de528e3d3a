package io.github.lwm2mportfolio.core.auth;

import io.github.lwm2mportfolio.core.cose.CborReader;
import io.github.lwm2mportfolio.core.cose.CborWriter;
import io.github.lwm2mportfolio.core.cose.CoseException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * The claims inside an AuthData value: who made it (endpoint), for which Portfolio instance and
 * Identity, in answer to which nonce, when, and with which counter value.
 *
 * <p>Encoded as AuthData claims format version 1, a CBOR map with fixed integer keys, in RFC 8949
 * core deterministic encoding (keys ascending, shortest heads):
 * 1 format version (uint, 1), 2 endpoint (tstr), 3 instance path (tstr), 4 Identity instance ID
 * (uint), 5 Identity value (tstr), 6 nonce (bstr, absent when there is none), 7 issued-at (uint,
 * epoch seconds), 8 counter (uint). Readers ignore integer keys they do not know.
 *
 * @param endpoint the client's LwM2M endpoint name
 * @param instancePath the Portfolio instance path, e.g. "/16/0"
 * @param identityId the Identity resource instance ID (0..65535)
 * @param identityValue the Identity value
 * @param nonce the server's challenge; null when the server sent none
 * @param issuedAt when the value was made, epoch seconds
 * @param counter a value that never goes down on the client
 */
public record AuthClaims(String endpoint, String instancePath, int identityId, String identityValue, byte[] nonce,
        long issuedAt, long counter) {

    /** The claims format version this implementation writes and reads. */
    public static final int FORMAT_VERSION = 1;

    public static final int KEY_VERSION = 1;
    public static final int KEY_ENDPOINT = 2;
    public static final int KEY_INSTANCE_PATH = 3;
    public static final int KEY_IDENTITY_ID = 4;
    public static final int KEY_IDENTITY_VALUE = 5;
    public static final int KEY_NONCE = 6;
    public static final int KEY_ISSUED_AT = 7;
    public static final int KEY_COUNTER = 8;

    private static final String[] NAMES = {"", "format version", "endpoint", "instance path",
        "Identity instance ID", "Identity value", "nonce", "issued-at", "counter"};
    // Every claim but the nonce.
    private static final int MANDATORY = 0b1_1011_1110;

    public AuthClaims {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(instancePath, "instancePath");
        Objects.requireNonNull(identityValue, "identityValue");
        if (identityId < 0 || identityId > 0xFFFF) {
            throw new IllegalArgumentException("identityId out of 0..65535: " + identityId);
        }
        if (issuedAt < 0 || counter < 0) {
            throw new IllegalArgumentException("issuedAt and counter must not be negative");
        }
        nonce = nonce == null ? null : nonce.clone();
    }

    /** A copy of the nonce, or null. */
    @Override
    public byte[] nonce() {
        return nonce == null ? null : nonce.clone();
    }

    byte[] nonceRef() {
        return nonce;
    }

    /** The deterministic CBOR encoding (format version 1); equal claims always give equal bytes. */
    public byte[] encode() {
        // room for ASCII text; the writer grows for longer UTF-8
        int size = 48 + endpoint.length() + instancePath.length() + identityValue.length()
                + (nonce == null ? 0 : nonce.length);
        CborWriter w = new CborWriter(size).writeMapHeader(nonce == null ? 7 : 8);
        w.writeInt(KEY_VERSION).writeInt(FORMAT_VERSION);
        w.writeInt(KEY_ENDPOINT).writeTextString(endpoint);
        w.writeInt(KEY_INSTANCE_PATH).writeTextString(instancePath);
        w.writeInt(KEY_IDENTITY_ID).writeInt(identityId);
        w.writeInt(KEY_IDENTITY_VALUE).writeTextString(identityValue);
        if (nonce != null) {
            w.writeInt(KEY_NONCE).writeByteString(nonce);
        }
        w.writeInt(KEY_ISSUED_AT).writeInt(issuedAt);
        w.writeInt(KEY_COUNTER).writeInt(counter);
        return w.toByteArray();
    }

    /**
     * Reads claims strictly: a definite-length map with integer keys, format version 1, every
     * mandatory claim once with its type. Unknown integer keys are skipped.
     */
    public static AuthClaims decode(byte[] cbor) throws AuthDataException {
        if (cbor == null || cbor.length == 0) {
            throw new AuthDataException(AuthDataException.Reason.MALFORMED, "claims are empty");
        }
        try {
            return new Decoder(new CborReader(cbor)).decode();
        } catch (CoseException e) {
            throw new AuthDataException(AuthDataException.Reason.MALFORMED, "claims are not well-formed CBOR: "
                    + e.getMessage());
        }
    }

    private static String name(int key) {
        return "claim " + key + " (" + NAMES[key] + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthClaims c && identityId == c.identityId && issuedAt == c.issuedAt
                && counter == c.counter && endpoint.equals(c.endpoint) && instancePath.equals(c.instancePath)
                && identityValue.equals(c.identityValue) && Arrays.equals(nonce, c.nonce);
    }

    @Override
    public int hashCode() {
        return Objects.hash(endpoint, instancePath, identityId, identityValue, Arrays.hashCode(nonce), issuedAt,
                counter);
    }

    /** Leaves the Identity value out: it may identify a person and toString ends up in logs. */
    @Override
    public String toString() {
        return "AuthClaims[endpoint=" + endpoint + ", instancePath=" + instancePath + ", identityId=" + identityId
                + ", identityValue=(" + identityValue.length() + " chars), nonce="
                + (nonce == null ? "none" : HexFormat.of().formatHex(nonce)) + ", issuedAt=" + issuedAt
                + ", counter=" + counter + "]";
    }

    private static final class Decoder {
        private final CborReader r;
        private int seen;
        private String endpoint;
        private String path;
        private String value;
        private byte[] nonce;
        private long identityId;
        private long issuedAt;
        private long counter;

        Decoder(CborReader r) {
            this.r = r;
        }

        AuthClaims decode() throws CoseException, AuthDataException {
            int major = r.peekMajorType();
            if (major != CborReader.MAJOR_MAP) {
                throw new AuthDataException(AuthDataException.Reason.MALFORMED, "claims are "
                        + CborReader.describe(major) + ", not a map");
            }
            int pairs = r.readMapLength();
            Set<Long> unknown = null;
            for (int i = 0; i < pairs; i++) {
                int keyType = r.peekMajorType();
                if (keyType != CborReader.MAJOR_UNSIGNED && keyType != CborReader.MAJOR_NEGATIVE) {
                    throw new AuthDataException(AuthDataException.Reason.MALFORMED, "claim key is "
                            + CborReader.describe(keyType) + ", not an integer");
                }
                long key = r.readInteger();
                if (key >= KEY_VERSION && key <= KEY_COUNTER) {
                    int bit = 1 << key;
                    if ((seen & bit) != 0) {
                        throw new AuthDataException(AuthDataException.Reason.DUPLICATE_CLAIM,
                                name((int) key) + " appears twice");
                    }
                    seen |= bit;
                    readClaim((int) key);
                } else {
                    if (unknown == null) {
                        unknown = new HashSet<>();
                    }
                    if (!unknown.add(key)) {
                        throw new AuthDataException(AuthDataException.Reason.DUPLICATE_CLAIM,
                                "claim " + key + " appears twice");
                    }
                    r.skipItem();
                }
            }
            if (r.hasMore()) {
                throw new AuthDataException(AuthDataException.Reason.MALFORMED, "trailing bytes after the claims map");
            }
            int missing = MANDATORY & ~seen;
            if (missing != 0) {
                int key = Integer.numberOfTrailingZeros(missing);
                throw new AuthDataException(AuthDataException.Reason.MISSING_CLAIM, name(key) + " is missing");
            }
            return new AuthClaims(endpoint, path, (int) identityId, value, nonce, issuedAt, counter);
        }

        private void readClaim(int key) throws CoseException, AuthDataException {
            switch (key) {
                case KEY_VERSION:
                    long version = unsigned(key, Long.MAX_VALUE);
                    if (version != FORMAT_VERSION) {
                        throw new AuthDataException(AuthDataException.Reason.UNSUPPORTED_VERSION, "format version "
                                + version + " is not supported (this implementation reads version " + FORMAT_VERSION
                                + ")");
                    }
                    break;
                case KEY_ENDPOINT:
                    endpoint = text(key);
                    break;
                case KEY_INSTANCE_PATH:
                    path = text(key);
                    break;
                case KEY_IDENTITY_ID:
                    identityId = unsigned(key, 0xFFFF);
                    break;
                case KEY_IDENTITY_VALUE:
                    value = text(key);
                    break;
                case KEY_NONCE:
                    expect(key, CborReader.MAJOR_BYTES, "a byte string");
                    nonce = r.readByteString();
                    break;
                case KEY_ISSUED_AT:
                    issuedAt = unsigned(key, Long.MAX_VALUE);
                    break;
                default:
                    counter = unsigned(key, Long.MAX_VALUE);
                    break;
            }
        }

        private String text(int key) throws CoseException, AuthDataException {
            expect(key, CborReader.MAJOR_TEXT, "a text string");
            return r.readTextString();
        }

        private long unsigned(int key, long max) throws CoseException, AuthDataException {
            expect(key, CborReader.MAJOR_UNSIGNED, "an unsigned integer");
            long v = r.readUnsigned();
            if (Long.compareUnsigned(v, max) > 0) {
                throw new AuthDataException(AuthDataException.Reason.OUT_OF_RANGE, name(key) + " "
                        + Long.toUnsignedString(v) + " is out of range 0.." + max);
            }
            return v;
        }

        private void expect(int key, int major, String what) throws CoseException, AuthDataException {
            int actual = r.peekMajorType();
            if (actual != major) {
                throw new AuthDataException(AuthDataException.Reason.WRONG_TYPE, name(key) + " must be " + what
                        + ", not " + CborReader.describe(actual));
            }
        }
    }
}
