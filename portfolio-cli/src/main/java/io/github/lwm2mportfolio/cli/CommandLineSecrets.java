package io.github.lwm2mportfolio.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

import io.github.lwm2mportfolio.core.keys.Pem;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Secrets and certificates that commands take from options: a file is the documented way, hex on the line warns. */
public final class CommandLineSecrets {

    private CommandLineSecrets() {
    }

    /**
     * The bytes of a secret given either in hex ({@code hexOption}, kept for tests and scripts: it warns, since the
     * process list shows it) or in a file ({@code fileOption}, owner-only); null when neither was given.
     */
    public static byte[] hexOrFile(CommandSpec spec, PrintWriter err, String hexOption, String hex, String fileOption,
            Path file) {
        if (hex != null && file != null) {
            throw new ParameterException(spec.commandLine(), hexOption + " and " + fileOption + " exclude each other");
        }
        if (file != null) {
            return SecretFiles.readHex(spec, fileOption, file);
        }
        if (hex == null) {
            return null;
        }
        byte[] bytes = Options.hex(spec, hexOption, hex);
        err.println("portfolio: warning: " + hexOption + " shows in the process list of this machine; use "
                + fileOption + " FILE (mode 0600)");
        err.flush();
        return bytes;
    }

    /** The first certificate in a PEM or DER file given with {@code option}. */
    public static X509Certificate certificate(CommandSpec spec, String option, Path file) {
        try {
            List<X509Certificate> certificates = Pem.certificates(Files.readAllBytes(file));
            if (certificates.isEmpty()) {
                throw new ParameterException(spec.commandLine(), option + " " + file + ": holds no certificate");
            }
            return certificates.get(0);
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), option + " " + file + ": no such file");
        } catch (IOException | CertificateException e) {
            throw new ParameterException(spec.commandLine(), option + " " + file + ": not a certificate: "
                    + e.getMessage());
        }
    }
}
