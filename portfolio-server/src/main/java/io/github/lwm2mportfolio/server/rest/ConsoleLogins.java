package io.github.lwm2mportfolio.server.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.access.TokenStore;

/**
 * One-time login codes for the web console, as Jupyter prints a login link: a code is good for one login within
 * {@link #VALID_FOR}, and the login gets the console's own API token (named {@value #SESSION_TOKEN}, replaced at
 * each login) rather than any token that exists. Only a hash of each code is kept.
 */
final class ConsoleLogins {

    static final Duration VALID_FOR = Duration.ofMinutes(15);
    static final String SESSION_TOKEN = "console";
    private static final int CODE_BYTES = 24;
    private static final Pattern CODE_FORM = Pattern.compile("[A-Za-z0-9_-]{" + (CODE_BYTES * 4 / 3) + "}");

    private final TokenStore tokens;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> pending = new ConcurrentHashMap<>();

    ConsoleLogins(TokenStore tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    /** A new code, good for one login. */
    String issue() {
        byte[] bytes = new byte[CODE_BYTES];
        random.nextBytes(bytes);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        pending.values().removeIf(expiry -> expiry.isBefore(now));
        pending.put(hash(code), now.plus(VALID_FOR));
        return code;
    }

    /** Whether this text has the form of a code (base64url of {@value #CODE_BYTES} bytes), issued or not. */
    static boolean looksLikeCode(String text) {
        return CODE_FORM.matcher(text.strip()).matches();
    }

    /** The session token's text for a code issued, unused and unexpired; empty for any other text. */
    synchronized Optional<String> redeem(String code) {
        if (code == null || code.isBlank()) {
            return Optional.empty();
        }
        Instant expiry = pending.remove(hash(code.strip()));
        if (expiry == null || expiry.isBefore(clock.instant())) {
            return Optional.empty();
        }
        tokens.revoke(SESSION_TOKEN);
        return Optional.of(tokens.create(SESSION_TOKEN, Role.ADMIN).secret());
    }

    private static String hash(String code) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(code.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
