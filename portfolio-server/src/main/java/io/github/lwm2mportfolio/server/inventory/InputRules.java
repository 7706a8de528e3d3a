package io.github.lwm2mportfolio.server.inventory;

import java.nio.charset.StandardCharsets;

/**
 * What the server accepts as an endpoint name, a PSK identity and a pre-shared key from an operator; each
 * check throws {@link IllegalArgumentException} with the reason, which the REST API answers as 400.
 * <p>
 * Endpoint names and PSK identities are text that reaches logs, tables and the console: no control characters
 * (NUL, escape, line breaks), no U+FFFD (what invalid UTF-8 such as a byte 0xFF decodes to), no {@code < > " \ /}
 * (markup and paths), not "." or "..". A PSK identity is at most {@value #MAX_PSK_IDENTITY_BYTES} bytes of
 * UTF-8 (RFC 4279 allows 65535; real devices use tens). A key is {@value #MIN_PSK_BYTES} to
 * {@value #MAX_PSK_BYTES} bytes: 128 bits at least, and DTLS 1.2 PSK cipher suites gain nothing past 64.
 */
public final class InputRules {

    public static final int MAX_ENDPOINT_LENGTH = 1024;
    public static final int MAX_PSK_IDENTITY_BYTES = 128;
    public static final int MIN_PSK_BYTES = 16;
    public static final int MAX_PSK_BYTES = 64;

    private InputRules() {
    }

    public static String checkEndpoint(String endpoint) {
        checkText("the endpoint name", endpoint);
        if (endpoint.codePointCount(0, endpoint.length()) > MAX_ENDPOINT_LENGTH) {
            throw new IllegalArgumentException("the endpoint name is longer than " + MAX_ENDPOINT_LENGTH
                    + " characters");
        }
        return endpoint;
    }

    public static String checkPskIdentity(String identity) {
        checkText("the PSK identity", identity);
        int bytes = identity.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PSK_IDENTITY_BYTES) {
            throw new IllegalArgumentException("the PSK identity must be at most " + MAX_PSK_IDENTITY_BYTES
                    + " bytes of UTF-8, got " + bytes);
        }
        return identity;
    }

    public static byte[] checkPsk(byte[] key) {
        if (key == null || key.length < MIN_PSK_BYTES || key.length > MAX_PSK_BYTES) {
            throw new IllegalArgumentException("a pre-shared key must be " + MIN_PSK_BYTES + " to " + MAX_PSK_BYTES
                    + " bytes (" + MIN_PSK_BYTES * 2 + " to " + MAX_PSK_BYTES * 2 + " hex digits), got "
                    + (key == null ? 0 : key.length));
        }
        return key;
    }

    private static void checkText(String what, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        if (text.equals(".") || text.equals("..")) {
            throw new IllegalArgumentException(what + " must not be '" + text + "'");
        }
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(what + " must not hold control characters (found U+"
                        + String.format("%04X", c) + ")");
            }
            if (c == 0xFFFD || c == 0xFFFE || c == 0xFFFF) {
                throw new IllegalArgumentException(what + " must be valid UTF-8 text (found U+"
                        + String.format("%04X", c) + ", e.g. from a byte 0xFF)");
            }
            if ("<>\"\\/".indexOf(c) >= 0) {
                throw new IllegalArgumentException(what + " must not hold " + new String(Character.toChars(c))
                        + " (no markup or paths)");
            }
        });
    }
}
