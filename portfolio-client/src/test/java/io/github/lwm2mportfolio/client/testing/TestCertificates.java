package io.github.lwm2mportfolio.client.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away test CA (EC P-256) that issues DTLS certificates: one for a server, and client certificates whose
 * CN is the endpoint name, as LwM2M servers check. Everything lives in memory; {@link #writeCaPem(Path)} puts the
 * CA where a server reads its trust anchors.
 */
public final class TestCertificates {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair caKeys;
    private final X509Certificate ca;

    /** A certificate and its private key. */
    public record Credential(X509Certificate certificate, PrivateKey privateKey) {
        @Override
        public String toString() {
            return "Credential[" + certificate.getSubjectX500Principal() + "]";
        }
    }

    public TestCertificates(String caName) {
        this.caKeys = newEcKeyPair();
        X500Name name = cn(caName);
        this.ca = sign(certificate(name, name, caKeys, true), caKeys.getPrivate());
    }

    public X509Certificate ca() {
        return ca;
    }

    /** A server certificate; usable for both DTLS roles, as a server may also start handshakes. */
    public Credential server(String commonName) {
        return issue(commonName, KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
    }

    /** A device certificate with CN = endpoint (a device may act as DTLS server when the server reconnects). */
    public Credential client(String endpoint) {
        return issue(endpoint, KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth);
    }

    /** Writes the CA certificate as PEM to the file and returns it. */
    public Path writeCaPem(Path file) {
        try {
            String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(ca.getEncoded());
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n",
                    StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair newEcKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC P-256 in this JDK", e);
        }
    }

    /** A certificate with these extended key usages (digitalSignature key usage), e.g. a wrong one. */
    public Credential issue(String commonName, KeyPurposeId... purposes) {
        KeyPair keys = newEcKeyPair();
        X509v3CertificateBuilder builder = certificate(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), cn(commonName), keys,
                false);
        try {
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Credential(sign(builder, caKeys.getPrivate()), keys.getPrivate());
    }

    private static X509v3CertificateBuilder certificate(X500Name issuer, X500Name subject, KeyPair keys,
            boolean authority) {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                new BigInteger(63, RANDOM).add(BigInteger.ONE), Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(30))), subject, keys.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(authority
                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                    : KeyUsage.digitalSignature));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return builder;
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a test certificate", e);
        }
    }

    private static X500Name cn(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }
}
