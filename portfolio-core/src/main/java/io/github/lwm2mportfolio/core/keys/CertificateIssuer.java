package io.github.lwm2mportfolio.core.keys;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues X.509 certificates signed with SHA256withECDSA: a CA's own (self-signed, for signing certificates)
 * or an end entity's (for digital signatures, which DTLS and AuthData both use). The signer may be a key in a
 * token: only its {@code Signature} is used.
 */
public final class CertificateIssuer {

    private CertificateIssuer() {
    }

    /** What to put in a certificate besides the keys. */
    public record Terms(X500Name subject, BigInteger serial, Instant notBefore, Instant notAfter,
            boolean authority) {
    }

    /** The name CN={@code commonName}. */
    public static X500Name commonName(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    /** A positive random 63-bit serial number (never 0). */
    public static BigInteger randomSerial(SecureRandom random) {
        return new BigInteger(63, random).add(BigInteger.ONE);
    }

    /** A certificate for {@code subjectKey} on {@code terms}, signed by {@code issuerKey} in the name of {@code issuer}. */
    public static X509Certificate issue(Terms terms, PublicKey subjectKey, X500Name issuer, PrivateKey issuerKey)
            throws GeneralSecurityException {
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, terms.serial(),
                Date.from(terms.notBefore()), Date.from(terms.notAfter()), terms.subject(), subjectKey);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(terms.authority()));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(terms.authority()
                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (IOException | OperatorCreationException e) {
            throw new GeneralSecurityException("cannot issue a certificate for " + terms.subject() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The issuer name to put in certificates that {@code authority} signs. */
    public static X500Name nameOf(X509Certificate authority) {
        return X500Name.getInstance(authority.getSubjectX500Principal().getEncoded());
    }
}
