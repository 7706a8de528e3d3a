package io.github.lwm2mportfolio.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.eclipse.californium.elements.util.CertPathUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.core.io.AtomicFiles;
import io.github.lwm2mportfolio.core.keys.KeyStorePasswords;
import io.github.lwm2mportfolio.core.keys.SelfSignedCertificates;

/**
 * The server's DTLS identity: one EC private key and its certificate chain, kept in a PKCS#12 file. It is
 * created on first start (P-256, self-signed) unless the operator provides one; a file that exists but cannot
 * be read stops the server, it is never replaced.
 */
final class ServerIdentity {

    private static final Logger LOG = LoggerFactory.getLogger(ServerIdentity.class);

    static final String FILE_NAME = "server-identity.p12";
    /** Beside the key store: its password, generated per store, readable by the owner only. */
    static final String PASSWORD_FILE_NAME = FILE_NAME + ".password";
    /** The one password of stores made before passwords were generated; such a store is re-sealed on start. */
    private static final char[] LEGACY_PASSWORD = KeyStorePasswords.LEGACY_PASSWORD.toCharArray();
    private static final String ALIAS = "server";
    private static final String SUBJECT = "lwm2m-portfolio server";
    private static final Duration VALIDITY = Duration.ofDays(3653);

    private final PrivateKey privateKey;
    private final X509Certificate[] chain;
    private final Path source;

    private ServerIdentity(PrivateKey privateKey, X509Certificate[] chain, Path source) {
        this.privateKey = privateKey;
        this.chain = chain;
        this.source = source;
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    X509Certificate[] chain() {
        return chain.clone();
    }

    X509Certificate certificate() {
        return chain[0];
    }

    Path source() {
        return source;
    }

    /**
     * The identity in {@code file}, whose password is in {@code file.password}; both are made on first start (a
     * random password). A store of the days of one fixed password is re-sealed with a new one.
     */
    static ServerIdentity openOrCreate(Path file) throws IOException {
        Path passwordFile = file.resolveSibling(PASSWORD_FILE_NAME);
        if (Files.exists(file) && Files.exists(passwordFile)) {
            try {
                return open(file, KeyStorePasswords.read(passwordFile));
            } catch (IllegalArgumentException e) {
                if (!opensWith(file, LEGACY_PASSWORD)) {
                    throw e;
                }
                // a crash came between the new password file and the re-sealed store: finish the job below
            }
        }
        if (Files.exists(file)) {
            ServerIdentity legacy = open(file, LEGACY_PASSWORD);
            char[] password = KeyStorePasswords.writeNew(passwordFile);
            AtomicFiles.write(file, legacy.toPkcs12(password));
            LOG.info("re-sealed the server identity {} with a generated password in {}", file, passwordFile);
            return legacy;
        }
        ServerIdentity created = create(file);
        char[] password = KeyStorePasswords.writeNew(passwordFile);
        AtomicFiles.write(file, created.toPkcs12(password));
        LOG.info("created the server identity {} (EC P-256, CN={}), its password in {}", file, SUBJECT,
                passwordFile);
        return created;
    }

    private static boolean opensWith(Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore.getInstance("PKCS12").load(in, password);
            return true;
        } catch (IOException | GeneralSecurityException e) {
            return false;
        }
    }

    static ServerIdentity open(Path file, char[] password) throws IOException {
        KeyStore store;
        try (InputStream in = Files.newInputStream(file)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("server identity " + file + ": no such file", e);
        } catch (IOException | GeneralSecurityException e) {
            // PKCS#12 reports a wrong password as an IOException caused by UnrecoverableKeyException.
            throw new IllegalArgumentException("server identity " + file + ": cannot read it (wrong password or"
                    + " not PKCS#12): " + e.getMessage(), e);
        }
        try {
            return validated(onlyKeyEntry(store, password, file), file);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("server identity " + file + ": " + e.getMessage(), e);
        }
    }

    private static ServerIdentity onlyKeyEntry(KeyStore store, char[] password, Path file)
            throws GeneralSecurityException {
        List<String> keyAliases = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias) && store.getKey(alias, password) instanceof PrivateKey) {
                keyAliases.add(alias);
            }
        }
        if (keyAliases.size() != 1) {
            throw new KeyStoreException("needs exactly one private key entry, found " + keyAliases.size() + " "
                    + keyAliases);
        }
        String alias = keyAliases.get(0);
        Certificate[] certificates = store.getCertificateChain(alias);
        if (certificates == null || certificates.length == 0) {
            throw new KeyStoreException("the key '" + alias + "' has no certificate chain");
        }
        X509Certificate[] chain = new X509Certificate[certificates.length];
        for (int i = 0; i < certificates.length; i++) {
            if (!(certificates[i] instanceof X509Certificate certificate)) {
                throw new KeyStoreException("the chain of '" + alias + "' holds a non-X.509 certificate");
            }
            chain[i] = certificate;
        }
        return new ServerIdentity((PrivateKey) store.getKey(alias, password), chain, file);
    }

    /** Checks here what Californium would otherwise only log, leaving the server without CoAPS. */
    private static ServerIdentity validated(ServerIdentity identity, Path file) throws GeneralSecurityException {
        X509Certificate leaf = identity.certificate();
        if (!"EC".equals(identity.privateKey.getAlgorithm()) || !"EC".equals(leaf.getPublicKey().getAlgorithm())) {
            throw new KeyStoreException("the key must be EC (LwM2M uses ECDSA, P-256), found "
                    + identity.privateKey.getAlgorithm());
        }
        Signature signer = Signature.getInstance("SHA256withECDSA");
        byte[] probe = "server identity key pair check".getBytes(StandardCharsets.US_ASCII);
        signer.initSign(identity.privateKey);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(leaf.getPublicKey());
        verifier.update(probe);
        if (!verifier.verify(signature)) {
            throw new KeyStoreException("the private key does not belong to the certificate " + leaf
                    .getSubjectX500Principal());
        }
        // The server's DTLS role is BOTH (it may start handshakes with queue-mode devices).
        if (!CertPathUtil.canBeUsedForAuthentication(leaf, false)
                || !CertPathUtil.canBeUsedForAuthentication(leaf, true)) {
            throw new KeyStoreException("the certificate " + leaf.getSubjectX500Principal()
                    + " must allow digitalSignature and, if it has extended key usages, both serverAuth and"
                    + " clientAuth");
        }
        try {
            leaf.checkValidity();
        } catch (java.security.cert.CertificateExpiredException
                | java.security.cert.CertificateNotYetValidException e) {
            LOG.warn("server identity {}: the certificate is not valid now: {}", file, e.getMessage());
        }
        return identity;
    }

    private static ServerIdentity create(Path file) throws IOException {
        try {
            SecureRandom random = new SecureRandom();
            KeyPair pair = SelfSignedCertificates.newP256KeyPair(random);
            X509Certificate certificate = SelfSignedCertificates.create(pair, SUBJECT, VALIDITY, random);
            return new ServerIdentity(pair.getPrivate(), new X509Certificate[] { certificate }, file);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create the server identity " + file + ": " + e.getMessage(), e);
        }
    }

    private byte[] toPkcs12(char[] password) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, privateKey, password, chain);
            ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
            store.store(out, password);
            return out.toByteArray();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encode the server identity " + source + ": " + e.getMessage(), e);
        }
    }
}
