package io.github.lwm2mportfolio.cli.keys;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.Callable;

import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

import io.github.lwm2mportfolio.core.keys.Pem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code portfolio keys sign-csr}: the fleet CA certifies a device key from its certification request. */
@Command(name = "sign-csr", mixinStandardHelpOptions = true,
        description = "Sign a device's certification request with the fleet CA: the certificate and the CA's, as PEM.")
final class SignCsrCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KeysCommand.CaOptions ca;

    @Option(names = "--csr", required = true, paramLabel = "FILE", description = "The request (PEM or DER).")
    Path csr;

    @Option(names = "--out", required = true, paramLabel = "FILE.pem",
            description = "Where to write the chain, e.g. the device's DIR/device.pem.")
    Path out;

    @Option(names = "--days", defaultValue = "825", description = "Validity in days. Default: ${DEFAULT-VALUE}.")
    int days;

    @Override
    public Integer call() throws Exception {
        var validity = KeysCommand.days(spec, "--days", days);
        KeysCommand.requireAbsent(spec, out);
        PKCS10CertificationRequest request;
        try {
            request = Pem.certificationRequest(Files.readAllBytes(csr));
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), "--csr " + csr + ": no such file");
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--csr " + csr + ": " + e.getMessage());
        }
        PublicKey key = new JcaPKCS10CertificationRequest(request).getPublicKey();
        if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
            throw new ParameterException(spec.commandLine(), "--csr " + csr + ": its signature does not verify with "
                    + "its public key (altered, or not made by the key's holder)");
        }
        String endpoint = commonName(request);
        FleetAuthority authority = ca.open(spec);
        X509Certificate certificate = authority.issue(key, endpoint, validity);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, Pem.encode(certificate, authority.certificate()), StandardCharsets.US_ASCII);
        PrintWriter writer = spec.commandLine().getOut();
        writer.println("certificate CN=" + endpoint + " " + Fingerprints.sha256(certificate) + " serial "
                + certificate.getSerialNumber().toString(16) + " until " + certificate.getNotAfter().toInstant()
                + " in " + out);
        writer.flush();
        return 0;
    }

    private String commonName(PKCS10CertificationRequest request) {
        RDN[] names = request.getSubject().getRDNs(BCStyle.CN);
        if (names.length != 1 || !(names[0].getFirst().getValue() instanceof ASN1String value)
                || value.getString().isBlank()) {
            throw new ParameterException(spec.commandLine(), "--csr " + csr + ": the subject must have one CN (the "
                    + "endpoint name), it is '" + request.getSubject() + "'");
        }
        return value.getString();
    }
}
