package io.github.lwm2mportfolio.cli.keys;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** SHA-256 fingerprints as operators compare them: colon-separated upper-case hex. */
final class Fingerprints {

    private Fingerprints() {
    }

    static String sha256(X509Certificate certificate) throws CertificateEncodingException {
        return sha256(certificate.getEncoded());
    }

    static String sha256(byte[] der) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
