package io.github.lwm2mportfolio.server.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The text of API tokens and what is stored of them. A token is {@value #PREFIX} and 32 random bytes in
 * base64url (256 bits: no dictionary, so one SHA-256 is a safe hash for it). The store keeps the SHA-256 of the
 * text; its first 8 bytes in hex are the lookup key of the row, the whole digest is compared in constant time.
 */
public final class TokenSecrets {

    /** Makes a leaked token recognisable to people and to secret scanners. */
    public static final String PREFIX = "pft_";
    private static final int RANDOM_BYTES = 32;
    private static final int TOKEN_LENGTH = PREFIX.length() + 43;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenSecrets() {
    }

    public static String newToken() {
        byte[] random = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(random);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** Whether the text has the shape of a token (checked before any database work). */
    public static boolean looksLikeToken(String text) {
        return text != null && text.length() == TOKEN_LENGTH && text.startsWith(PREFIX)
                && text.chars().skip(PREFIX.length()).allMatch(TokenSecrets::isBase64Url);
    }

    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java", e);
        }
    }

    /** The row's lookup key: the first 8 bytes of the hash, in hex. */
    public static String lookupKey(byte[] hash) {
        return HexFormat.of().formatHex(hash, 0, 8);
    }

    /** Compares two hashes in time independent of where they differ. */
    public static boolean sameHash(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    /** @throws IllegalArgumentException unless the name is 1 to 64 letters, digits, '.', '_' or '-' */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "a token name is 1 to 64 letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        return name;
    }

    private static boolean isBase64Url(int c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
    }
}
