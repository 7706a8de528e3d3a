package io.github.lwm2mportfolio.cli.keys;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.concurrent.Callable;

import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

import io.github.lwm2mportfolio.cli.SecretFiles;
import io.github.lwm2mportfolio.core.keys.KeyUnavailableException;
import io.github.lwm2mportfolio.core.keys.Pem;
import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import io.github.lwm2mportfolio.core.keys.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code portfolio keys show}: what a certificate, key store or certification request holds (never a key). */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show the subject, issuer, validity, key type and SHA-256 fingerprint of the certificates in a "
                + "PEM or DER file, a PKCS#12 key store (.p12) or a certification request.")
final class ShowCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The file to show.")
    Path file;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "The key store's password file. Default: beside it, NAME.password (ca.password, keys.password).")
    Path passwordFile;

    @Override
    public Integer call() throws Exception {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), file + ": no such file");
        }
        PrintWriter out = spec.commandLine().getOut();
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".p12") || name.endsWith(".pfx")) {
            showKeyStore(out);
        } else if (new String(content, java.nio.charset.StandardCharsets.US_ASCII).contains("CERTIFICATE REQUEST")
                || name.endsWith(".csr")) {
            showRequest(out, content);
        } else {
            List<X509Certificate> certificates;
            try {
                certificates = Pem.certificates(content);
            } catch (CertificateException e) {
                throw new ParameterException(spec.commandLine(), file + ": not a certificate, key store or "
                        + "certification request (" + e.getMessage() + ")");
            }
            if (certificates.isEmpty()) {
                throw new ParameterException(spec.commandLine(), file + ": holds no certificate");
            }
            for (X509Certificate certificate : certificates) {
                show(out, certificate);
            }
        }
        out.flush();
        return 0;
    }

    private void showKeyStore(PrintWriter out) throws Exception {
        String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        Path passwordPath = passwordFile != null ? passwordFile : file.resolveSibling(stem + ".password");
        if (!Files.exists(passwordPath)) {
            throw new ParameterException(spec.commandLine(), "no " + passwordPath + ": give the key store's password "
                    + "with --password-file FILE");
        }
        char[] password = SecretFiles.readLine(spec, "--password-file", passwordPath).toCharArray();
        Pkcs12KeySource store = Pkcs12KeySource.open(file, password);
        for (String alias : List.of("ca", Pkcs12KeySource.DEFAULT_KEY_ID)) {
            try {
                SigningKey key = store.signingKey(alias);
                out.println("key entry '" + alias + "': " + key.key().getAlgorithm() + " private key (stays inside), "
                        + key.chain().size() + " certificate(s)");
                for (X509Certificate certificate : key.chain()) {
                    show(out, certificate);
                }
            } catch (KeyUnavailableException e) {
                // not this kind of store
            }
        }
        for (String shared : List.of(Pkcs12KeySource.DEFAULT_KEY_ID + Pkcs12KeySource.MAC_SUFFIX,
                Pkcs12KeySource.DEFAULT_KEY_ID + Pkcs12KeySource.ENCRYPTION_SUFFIX)) {
            try {
                var key = shared.endsWith(Pkcs12KeySource.MAC_SUFFIX) ? store.macKey(Pkcs12KeySource.DEFAULT_KEY_ID)
                        : store.encryptionKey(Pkcs12KeySource.DEFAULT_KEY_ID);
                out.println("secret entry '" + shared + "': " + key.getAlgorithm() + " key (value not shown)");
            } catch (KeyUnavailableException e) {
                // absent
            }
        }
    }

    private void showRequest(PrintWriter out, byte[] content) throws Exception {
        PKCS10CertificationRequest request;
        try {
            request = Pem.certificationRequest(content);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), file + ": " + e.getMessage());
        }
        out.println("certification request");
        out.println("  subject:     " + request.getSubject());
        out.println("  key:         " + keyType(new JcaPKCS10CertificationRequest(request).getPublicKey()));
        out.println("  SHA-256:     " + Fingerprints.sha256(request.getEncoded()));
    }

    private static void show(PrintWriter out, X509Certificate certificate) throws CertificateException {
        out.println("certificate");
        out.println("  subject:     " + certificate.getSubjectX500Principal().getName());
        out.println("  issuer:      " + certificate.getIssuerX500Principal().getName());
        out.println("  serial:      " + certificate.getSerialNumber().toString(16));
        out.println("  valid:       " + certificate.getNotBefore().toInstant() + " to "
                + certificate.getNotAfter().toInstant());
        out.println("  key:         " + keyType(certificate.getPublicKey())
                + (certificate.getBasicConstraints() >= 0 ? ", CA" : ""));
        out.println("  SHA-256:     " + Fingerprints.sha256(certificate));
    }

    private static String keyType(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getOrder().bitLength();
            return bits == 256 ? "EC P-256" : "EC " + bits + "-bit";
        }
        if (key instanceof RSAPublicKey rsa) {
            return "RSA " + rsa.getModulus().bitLength();
        }
        return key.getAlgorithm();
    }
}
