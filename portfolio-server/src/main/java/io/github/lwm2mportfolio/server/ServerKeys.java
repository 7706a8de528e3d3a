package io.github.lwm2mportfolio.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import javax.crypto.SecretKey;

import io.github.lwm2mportfolio.core.auth.VerifierKeys;

/**
 * The keys the server checks AuthData with: trust anchors for device certificates (sign), and a fleet master
 * key from which each device's MAC and encryption keys derive (mac, encrypt). Anchors can be added while
 * running (the demo adds its simulated devices' certificates).
 */
public final class ServerKeys implements VerifierKeys {

    private final CopyOnWriteArrayList<X509Certificate> anchors = new CopyOnWriteArrayList<>();
    private final VerifierKeys derived;
    private volatile Revocations revocations = Revocations.NONE;
    private volatile FleetSecrets fleetSecrets;

    public ServerKeys(byte[] fleetMasterKey) {
        this.derived = fleetMasterKey == null ? null : VerifierKeys.fleet(fleetMasterKey, List.of());
    }

    public void trust(X509Certificate certificate) {
        anchors.addIfAbsent(certificate);
    }

    /** Trusts every certificate (PEM or DER, .pem .crt .cer .der) in a directory; returns how many. */
    public int trustDirectory(Path directory) throws IOException, CertificateException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(directory)) {
            listing.filter(p -> p.getFileName().toString().matches("(?i).*\\.(pem|crt|cer|der)")).sorted()
                    .forEach(files::add);
        }
        int count = 0;
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                for (java.security.cert.Certificate certificate : factory.generateCertificates(in)) {
                    trust((X509Certificate) certificate);
                    count++;
                }
            } catch (CertificateException e) {
                throw new CertificateException(file + ": " + e.getMessage(), e);
            }
        }
        return count;
    }

    /**
     * Fleet secrets by key id (rotation): from now on mac and encrypt AuthData is checked with the secret its kid
     * names, instead of the one fleet master key.
     */
    public void useFleetSecrets(FleetSecrets secrets) {
        this.fleetSecrets = java.util.Objects.requireNonNull(secrets, "secrets");
    }

    /** Replaces the revoked certificates: AuthData signed under any of them is refused from now on. */
    public void revoke(Revocations revoked) {
        this.revocations = java.util.Objects.requireNonNull(revoked, "revoked");
    }

    @Override
    public Optional<String> revocation(X509Certificate certificate) {
        return revocations.of(certificate);
    }

    @Override
    public List<X509Certificate> trustAnchors() {
        return List.copyOf(anchors);
    }

    @Override
    public Optional<PublicKey> pinnedSigningKey(String endpoint, byte[] kid) {
        return Optional.empty();
    }

    @Override
    public Optional<SecretKey> macKey(String endpoint, byte[] kid) {
        FleetSecrets keyed = fleetSecrets;
        if (keyed != null) {
            return keyed.macKey(endpoint, kid);
        }
        return derived == null ? Optional.empty() : derived.macKey(endpoint, kid);
    }

    @Override
    public Optional<SecretKey> encryptionKey(String endpoint, byte[] kid) {
        FleetSecrets keyed = fleetSecrets;
        if (keyed != null) {
            return keyed.encryptionKey(endpoint, kid);
        }
        return derived == null ? Optional.empty() : derived.encryptionKey(endpoint, kid);
    }
}
