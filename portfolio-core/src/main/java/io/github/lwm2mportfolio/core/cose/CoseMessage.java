package io.github.lwm2mportfolio.core.cose;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A parsed COSE_Sign1, COSE_Mac0 or COSE_Encrypt0 message, immutable. Returned by the parse,
 * verify and decrypt functions of {@link CoseSign1}, {@link CoseMac0} and {@link CoseEncrypt0};
 * a message from {@code parse} has not been checked cryptographically.
 */
public final class CoseMessage {

    private final CoseStructure structure;
    private final CoseAlgorithm algorithm;
    private final CoseHeaders protectedHeaders;
    private final CoseHeaders unprotectedHeaders;
    // The payload (Sign1, Mac0) or the ciphertext with its tag (Encrypt0).
    private final byte[] content;
    // The signature or MAC tag; null for Encrypt0.
    private final byte[] authTag;
    // Encrypt0 only, once decrypted.
    private final byte[] plaintext;
    private volatile List<X509Certificate> certificates;

    CoseMessage(CoseStructure structure, CoseAlgorithm algorithm, CoseHeaders protectedHeaders,
            CoseHeaders unprotectedHeaders, byte[] content, byte[] authTag, byte[] plaintext) {
        this.structure = structure;
        this.algorithm = algorithm;
        this.protectedHeaders = protectedHeaders;
        this.unprotectedHeaders = unprotectedHeaders;
        this.content = content;
        this.authTag = authTag;
        this.plaintext = plaintext;
    }

    public CoseStructure structure() {
        return structure;
    }

    public CoseAlgorithm algorithm() {
        return algorithm;
    }

    public CoseHeaders protectedHeaders() {
        return protectedHeaders;
    }

    public CoseHeaders unprotectedHeaders() {
        return unprotectedHeaders;
    }

    /**
     * The payload of a Sign1 or Mac0 message, or the plaintext of a decrypted Encrypt0 message.
     *
     * @throws IllegalStateException for an Encrypt0 message that was only parsed
     */
    public byte[] payload() {
        if (structure == CoseStructure.ENCRYPT0) {
            if (plaintext == null) {
                throw new IllegalStateException("COSE_Encrypt0 message was not decrypted");
            }
            return plaintext.clone();
        }
        return content.clone();
    }

    /** The ciphertext (with its authentication tag) of an Encrypt0 message; empty otherwise. */
    public Optional<byte[]> ciphertext() {
        return structure == CoseStructure.ENCRYPT0 ? Optional.of(content.clone()) : Optional.empty();
    }

    /** The key identifier, from the protected header if present there, else the unprotected one. */
    public Optional<byte[]> kid() {
        byte[] kid = protectedHeaders.kidRef() != null ? protectedHeaders.kidRef() : unprotectedHeaders.kidRef();
        return kid == null ? Optional.empty() : Optional.of(kid.clone());
    }

    /**
     * The certificates of the x5chain header (label 33), leaf first; empty when there is none.
     *
     * @throws CoseException when a certificate is not valid DER X.509
     */
    public List<X509Certificate> x5chain() throws CoseException {
        List<X509Certificate> certs = certificates;
        if (certs == null) {
            certs = decodeCertificates();
            certificates = certs;
        }
        return certs;
    }

    private List<X509Certificate> decodeCertificates() throws CoseException {
        List<byte[]> ders = protectedHeaders.x5chainRefs().isEmpty() ? unprotectedHeaders.x5chainRefs()
                : protectedHeaders.x5chainRefs();
        if (ders.isEmpty()) {
            return List.of();
        }
        List<X509Certificate> out = new ArrayList<>(ders.size());
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (int i = 0; i < ders.size(); i++) {
                ByteArrayInputStream in = new ByteArrayInputStream(ders.get(i));
                try {
                    out.add((X509Certificate) factory.generateCertificate(in));
                } catch (CertificateException | RuntimeException e) {
                    throw CoseException.malformed("x5chain certificate " + i + " is not a valid X.509 certificate");
                }
                if (in.available() != 0) {
                    throw CoseException.malformed("x5chain certificate " + i + " has trailing bytes");
                }
            }
        } catch (CertificateException e) {
            throw CoseException.unsupported("X.509 certificates are not available: " + e.getMessage());
        }
        return Collections.unmodifiableList(out);
    }

    byte[] contentRef() {
        return content;
    }

    byte[] authTagRef() {
        return authTag;
    }

    CoseMessage withPlaintext(byte[] decrypted) {
        return new CoseMessage(structure, algorithm, protectedHeaders, unprotectedHeaders, content, authTag,
                decrypted);
    }

    @Override
    public String toString() {
        return structure + "[" + algorithm + ", protected " + protectedHeaders.labels() + ", unprotected "
                + unprotectedHeaders.labels() + ", " + content.length + " content bytes]";
    }
}
