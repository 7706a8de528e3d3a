package io.github.lwm2mportfolio.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

import io.github.lwm2mportfolio.core.io.AtomicFiles;
import io.github.lwm2mportfolio.core.keys.Pem;

/**
 * The server's DTLS certificate as {@code server-certificate.pem} in its data directory, written at every start:
 * what RPK and X.509 devices pin ({@code portfolio client --server-certificate}). It is public.
 */
final class ServerCertificateFile {

    static final String NAME = "server-certificate.pem";

    private ServerCertificateFile() {
    }

    static Path write(Path dataDirectory, X509Certificate certificate) throws IOException {
        Path file = dataDirectory.resolve(NAME);
        AtomicFiles.write(file, Pem.encode(certificate).getBytes(StandardCharsets.US_ASCII));
        return file;
    }
}
