package io.github.lwm2mportfolio.core.keys;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** Certificates and certification requests as PEM text (what operators exchange) or DER. */
public final class Pem {

    private Pem() {
    }

    /** PEM text of one or more certificates, or of a certification request. */
    public static String encode(Object... objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write PEM: " + e.getMessage(), e);
        }
        return text.toString();
    }

    /** The certificates in PEM text or DER bytes, in file order; none when the bytes hold no certificate. */
    public static List<X509Certificate> certificates(byte[] content) throws CertificateException {
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate certificate : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(content))) {
            out.add((X509Certificate) certificate);
        }
        return out;
    }

    /** The certification request in PEM text or DER bytes. */
    public static PKCS10CertificationRequest certificationRequest(byte[] content) throws IOException {
        String text = new String(content, StandardCharsets.US_ASCII);
        if (text.contains("-----BEGIN")) {
            try (PEMParser parser = new PEMParser(new StringReader(text))) {
                Object object = parser.readObject();
                if (object instanceof PKCS10CertificationRequest request) {
                    return request;
                }
                throw new IOException("not a certification request (PEM holds "
                        + (object == null ? "nothing" : object.getClass().getSimpleName()) + ")");
            }
        }
        try {
            return new PKCS10CertificationRequest(content);
        } catch (IOException | RuntimeException e) {
            throw new IOException("not a certification request: " + e.getMessage(), e);
        }
    }
}
