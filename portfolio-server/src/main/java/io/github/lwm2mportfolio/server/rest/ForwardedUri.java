package io.github.lwm2mportfolio.server.rest;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The URI a request is forwarded to: the holder's base URI, then the request's path and query as they came.
 * Jetty lets through characters that {@link URI} refuses (a raw {@code |}, {@code {}, {@code ^}, a stray
 * {@code %}): each is percent-encoded, so that any request this node accepted can be forwarded; what is valid
 * already, escapes included, is left as it is, and the holder decodes the same path and query.
 */
final class ForwardedUri {

    /** RFC 3986 unreserved, sub-delims, ':' and '@' (pchar), and '/' between segments. */
    private static final String PATH_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
            + "-._~!$&'()*+,;=:@/";
    /** A query also takes '?'. */
    private static final String QUERY_CHARS = PATH_CHARS + "?";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ForwardedUri() {
    }

    /** @param rawQuery the query without its '?', or null */
    static URI of(URI base, String rawPath, String rawQuery) {
        String uri = base.toString() + quote(rawPath, PATH_CHARS)
                + (rawQuery == null ? "" : "?" + quote(rawQuery, QUERY_CHARS));
        return URI.create(uri);
    }

    private static String quote(String raw, String allowed) {
        StringBuilder out = new StringBuilder(raw.length());
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            if (b == '%' && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
                out.append('%'); // an escape already: kept, the holder decodes it as this node did
            } else if (b < 0x80 && allowed.indexOf(b) >= 0) {
                out.append((char) b);
            } else {
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
            }
        }
        return out.toString();
    }

    private static boolean isHex(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }
}
