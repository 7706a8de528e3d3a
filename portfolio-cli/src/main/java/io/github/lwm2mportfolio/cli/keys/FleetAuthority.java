package io.github.lwm2mportfolio.cli.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.lwm2mportfolio.cli.SecretFiles;
import io.github.lwm2mportfolio.core.keys.CertificateIssuer;
import io.github.lwm2mportfolio.core.keys.KeyUnavailableException;
import io.github.lwm2mportfolio.core.keys.Pem;
import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import io.github.lwm2mportfolio.core.keys.SelfSignedCertificates;
import io.github.lwm2mportfolio.core.keys.SigningKey;

/**
 * A fleet's certificate authority in a directory: {@code ca.pem} (its certificate, what servers trust),
 * {@code ca.p12} (its P-256 key, password-protected) and usually {@code ca.password} (0600).
 */
final class FleetAuthority {

    static final String CERTIFICATE = "ca.pem";
    static final String KEY_STORE = "ca.p12";
    static final String PASSWORD = "ca.password";
    private static final String ALIAS = "ca";

    private final SigningKey key;

    private FleetAuthority(SigningKey key) {
        this.key = key;
    }

    /** Makes a new authority in {@code directory}, which must not hold one already. */
    static FleetAuthority create(Path directory, String commonName, Duration validity, char[] password)
            throws IOException, GeneralSecurityException {
        SecureRandom random = new SecureRandom();
        KeyPair pair = SelfSignedCertificates.newP256KeyPair(random);
        Instant now = Instant.now();
        var name = CertificateIssuer.commonName(commonName);
        X509Certificate certificate = CertificateIssuer.issue(new CertificateIssuer.Terms(name,
                CertificateIssuer.randomSerial(random), now.minus(SelfSignedCertificates.CLOCK_SKEW), now.plus(validity),
                true), pair.getPublic(), name, pair.getPrivate());
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(ALIAS, pair.getPrivate(), password, new Certificate[] {certificate});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, password);
        SecretFiles.write(directory.resolve(KEY_STORE), out.toByteArray());
        Files.writeString(directory.resolve(CERTIFICATE), Pem.encode(certificate), StandardCharsets.US_ASCII);
        return new FleetAuthority(new SigningKey(ALIAS, pair.getPrivate(), List.of(certificate)));
    }

    /** Opens the authority in {@code directory}; the message of a failure says which file and why. */
    static FleetAuthority open(Path directory, char[] password) throws KeyUnavailableException {
        Path file = directory.resolve(KEY_STORE);
        if (!Files.isRegularFile(file)) {
            throw new KeyUnavailableException(KeyUnavailableException.Reason.NOT_FOUND, "no fleet CA in " + directory
                    + " (" + file + " is missing): make one with 'portfolio keys ca --out " + directory + "'");
        }
        return new FleetAuthority(Pkcs12KeySource.open(file, password).signingKey(ALIAS));
    }

    X509Certificate certificate() {
        return key.chain().get(0);
    }

    /** A certificate CN={@code commonName} for {@code subjectKey}, for digital signatures, valid from now. */
    X509Certificate issue(PublicKey subjectKey, String commonName, Duration validity) throws GeneralSecurityException {
        Instant now = Instant.now();
        Instant notAfter = now.plus(validity);
        if (notAfter.isAfter(certificate().getNotAfter().toInstant())) {
            notAfter = certificate().getNotAfter().toInstant(); // never beyond the CA's own
        }
        return CertificateIssuer.issue(new CertificateIssuer.Terms(CertificateIssuer.commonName(commonName),
                CertificateIssuer.randomSerial(new SecureRandom()), now.minus(SelfSignedCertificates.CLOCK_SKEW),
                notAfter, false), subjectKey, CertificateIssuer.nameOf(certificate()), key.key());
    }
}
