package io.github.lwm2mportfolio.cli.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

import io.github.lwm2mportfolio.cli.SecretFiles;
import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.core.keys.CertifiedKeySource;
import io.github.lwm2mportfolio.core.keys.KeySource;
import io.github.lwm2mportfolio.core.keys.KeyStorePasswords;
import io.github.lwm2mportfolio.core.keys.KeyUnavailableException;
import io.github.lwm2mportfolio.core.keys.Pem;
import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A device's key files in its data directory, as {@code portfolio keys device} writes them and
 * {@code portfolio client --data DIR} reads them: {@code keys.p12} (the keys), {@code keys.password} (its
 * password, 0600) and {@code device.pem} (the signing key's certificate chain, when a CA issued one).
 */
public final class KeyFiles {

    public static final String KEY_STORE = PortfolioClient.KEY_STORE;
    public static final String PASSWORD = PortfolioClient.KEY_STORE_PASSWORD;
    public static final String CERTIFICATE = "device.pem";

    private KeyFiles() {
    }

    /**
     * The password of the key store in {@code directory}: from {@code keys.password}; for a new key store a new
     * one written there; for one without that file the client library's default.
     */
    public static char[] password(CommandSpec spec, Path directory) throws IOException {
        Path file = directory.resolve(PASSWORD);
        if (Files.exists(file)) {
            return SecretFiles.readLine(spec, "password file", file).toCharArray();
        }
        return KeyStorePasswords.forStore(directory.resolve(KEY_STORE), file);
    }

    /**
     * The device's keys in {@code directory} (made on first use, as the client library does), with the chain in
     * {@code device.pem} when there is one.
     */
    public static KeySource open(CommandSpec spec, Path directory, String endpoint, byte[] fleetSecretOrNull)
            throws IOException, KeyUnavailableException {
        SecretFiles.createPrivateDirectory(directory);
        KeySource keys = Pkcs12KeySource.openOrCreate(directory.resolve(KEY_STORE), password(spec, directory),
                endpoint, fleetSecretOrNull);
        return certified(keys, directory.resolve(CERTIFICATE));
    }

    /** {@code keys} with the chain in {@code chainFile} when that file exists. */
    public static KeySource certified(KeySource keys, Path chainFile) throws IOException, KeyUnavailableException {
        if (!Files.exists(chainFile)) {
            return keys;
        }
        List<X509Certificate> chain;
        try {
            chain = Pem.certificates(Files.readAllBytes(chainFile));
        } catch (CertificateException e) {
            throw new KeyUnavailableException(KeyUnavailableException.Reason.STORE_UNREADABLE, "cannot read "
                    + chainFile + ": " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new KeyUnavailableException(KeyUnavailableException.Reason.STORE_UNREADABLE, chainFile
                    + " holds no certificate");
        }
        return CertifiedKeySource.of(keys, chain, chainFile.toString());
    }
}
