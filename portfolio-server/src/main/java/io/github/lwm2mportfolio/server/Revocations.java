package io.github.lwm2mportfolio.server;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Revoked device certificates, by serial number or by SHA-256 fingerprint, as an operator lists them in a file:
 * one per line in hex (a fingerprint has 64 digits, colons allowed; a serial number at most 40, "0x" allowed),
 * blank lines and lines from '#' ignored. A serial number is taken as revoked whatever the issuer: a fleet has
 * one CA, and a fingerprint names one certificate exactly.
 */
public record Revocations(Set<BigInteger> serials, Set<String> fingerprints) {

    public static final Revocations NONE = new Revocations(Set.of(), Set.of());

    public Revocations {
        serials = Set.copyOf(serials);
        fingerprints = Set.copyOf(fingerprints);
    }

    /** Reads a revocation file; IllegalArgumentException names the line that is neither. */
    public static Revocations read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Parses the lines of a revocation file; IllegalArgumentException names the line ({@code source} line N). */
    public static Revocations parse(List<String> lines, String source) {
        Set<BigInteger> serials = new HashSet<>();
        Set<String> fingerprints = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceFirst("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            String hex = line.replace(":", "").toLowerCase(Locale.ROOT).replaceFirst("^0x", "");
            if (!hex.matches("[0-9a-f]+") || (hex.length() > 40 && hex.length() != 64)) {
                // A huge line is cut: the message is one line for a terminal.
                String shown = line.length() <= 60 ? line : line.substring(0, 60) + "...";
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": '" + shown + "' is neither a "
                        + "serial number (hex, up to 40 digits) nor a SHA-256 fingerprint (64 hex digits)");
            }
            if (hex.length() == 64) {
                fingerprints.add(hex);
            } else {
                serials.add(new BigInteger(hex, 16));
            }
        }
        return new Revocations(serials, fingerprints);
    }

    /** Why {@code certificate} is revoked, or empty. */
    public Optional<String> of(X509Certificate certificate) {
        if (serials.contains(certificate.getSerialNumber())) {
            return Optional.of("serial number " + certificate.getSerialNumber().toString(16) + " is listed");
        }
        if (!fingerprints.isEmpty() && fingerprints.contains(fingerprint(certificate))) {
            return Optional.of("SHA-256 fingerprint " + fingerprint(certificate) + " is listed");
        }
        return Optional.empty();
    }

    public int size() {
        return serials.size() + fingerprints.size();
    }

    private static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot take the fingerprint of a certificate: " + e.getMessage(), e);
        }
    }
}
