package io.github.lwm2mportfolio.core.keys;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;

import org.bouncycastle.asn1.x500.X500Name;

/** EC P-256 keys with a self-signed end-entity certificate, for devices and servers that make their own. */
public final class SelfSignedCertificates {

    /** Backdated a little so that a peer whose clock runs slightly behind still accepts it. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private SelfSignedCertificates() {
    }

    public static KeyPair newP256KeyPair(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    /** A certificate for {@code pair} with CN={@code commonName}, for digital signatures, not a CA. */
    public static X509Certificate create(KeyPair pair, String commonName, Duration validity, SecureRandom random)
            throws GeneralSecurityException {
        X500Name name = CertificateIssuer.commonName(commonName);
        Instant now = Instant.now();
        return CertificateIssuer.issue(new CertificateIssuer.Terms(name, CertificateIssuer.randomSerial(random),
                now.minus(CLOCK_SKEW), now.plus(validity), false), pair.getPublic(), name, pair.getPrivate());
    }
}
