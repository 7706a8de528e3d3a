package io.github.lwm2mportfolio.server;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.SecretKey;

import io.github.lwm2mportfolio.core.auth.VerifierKeys;

/**
 * Fleet secrets by key identifier, each with an optional not-after, for rotating the secret the mac and encrypt
 * keys derive from: devices name the secret in the kid of their AuthData (the key identifier of their keys);
 * while two secrets are listed both are accepted, and a secret past its not-after is not used any more. A file
 * lists one a line, {@code KEYID HEX [NOT-AFTER]} (ISO-8601 instant), blank lines and '#' comments ignored.
 */
public final class FleetSecrets {

    /** One secret: the keys derived from it, and until when. */
    private record Secret(VerifierKeys keys, Instant notAfter) {
    }

    private final Map<String, Secret> secrets;
    private final Clock clock;

    private FleetSecrets(Map<String, Secret> secrets, Clock clock) {
        this.secrets = secrets;
        this.clock = clock;
    }

    /** Parses the lines of a secrets file; IllegalArgumentException names the line that is wrong. */
    public static FleetSecrets parse(List<String> lines, String source, Clock clock) {
        Map<String, Secret> secrets = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceFirst("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\\s+");
            String where = source + " line " + (i + 1) + ": ";
            if (fields.length < 2 || fields.length > 3) {
                throw new IllegalArgumentException(where + "expected KEYID HEX [NOT-AFTER]");
            }
            byte[] secret;
            try {
                secret = HexFormat.of().parseHex(fields[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + "the secret must be hexadecimal");
            }
            if (secret.length < 16) {
                throw new IllegalArgumentException(where + "the secret must have at least 16 bytes");
            }
            Instant notAfter;
            try {
                notAfter = fields.length == 3 ? Instant.parse(fields[2]) : Instant.MAX;
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(where + "not-after must be an instant like 2027-01-31T00:00:00Z");
            }
            if (secrets.put(fields[0], new Secret(VerifierKeys.fleet(secret, List.of()), notAfter)) != null) {
                throw new IllegalArgumentException(where + "key id " + fields[0] + " is listed twice");
            }
        }
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException(source + " lists no fleet secret");
        }
        return new FleetSecrets(Map.copyOf(secrets), clock);
    }

    /** Whether the first significant line of a secrets file is in this format (a bare hex line is one secret). */
    public static boolean isKeyedFormat(List<String> lines) {
        return lines.stream().map(line -> line.replaceFirst("#.*", "").strip()).filter(line -> !line.isEmpty())
                .findFirst().map(line -> line.contains(" ") || line.contains("\t")).orElse(false);
    }

    Optional<SecretKey> macKey(String endpoint, byte[] kid) {
        return current(kid).flatMap(keys -> keys.macKey(endpoint, kid));
    }

    Optional<SecretKey> encryptionKey(String endpoint, byte[] kid) {
        return current(kid).flatMap(keys -> keys.encryptionKey(endpoint, kid));
    }

    /** The listed key ids, for the start-up log. */
    public List<String> keyIds() {
        return new ArrayList<>(secrets.keySet());
    }

    private Optional<VerifierKeys> current(byte[] kid) {
        Secret secret = kid == null ? null : secrets.get(new String(kid, StandardCharsets.UTF_8));
        if (secret == null || clock.instant().isAfter(secret.notAfter())) {
            return Optional.empty();
        }
        return Optional.of(secret.keys());
    }
}
