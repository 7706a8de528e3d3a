package io.github.lwm2mportfolio.cli.keys;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.Callable;

import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import io.github.lwm2mportfolio.core.keys.CertificateIssuer;
import io.github.lwm2mportfolio.core.keys.KeySource;
import io.github.lwm2mportfolio.core.keys.Pem;
import io.github.lwm2mportfolio.core.keys.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code portfolio keys csr}: a certification request signed by a device key that never leaves its store. */
@Command(name = "csr", mixinStandardHelpOptions = true,
        description = "Write a certification request (PKCS#10, CN=ENDPOINT) for the signing key in a device's data "
                + "directory or token (made there if absent); the key never leaves it. A CA answers with 'keys sign-csr'.")
final class CsrCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The device's data directory.")
    Path data;

    @Mixin
    TokenOptions token = new TokenOptions();

    @Option(names = "--endpoint", required = true, description = "The device's endpoint name (the request's CN).")
    String endpoint;

    @Option(names = "--out", required = true, paramLabel = "FILE.csr", description = "Where to write the request (PEM).")
    Path out;

    @Override
    public Integer call() throws Exception {
        KeysCommand.requireAbsent(spec, out);
        KeySource keys = token.given() ? token.open(spec, data, endpoint, null) : KeyFiles.open(spec, data, endpoint,
                null);
        SigningKey signing = keys.signingKey(keys.defaultKeyId());
        if (signing.chain().isEmpty()) {
            throw new ParameterException(spec.commandLine(), "the signing key in " + data + " has no certificate to "
                    + "take its public key from");
        }
        X509Certificate current = signing.chain().get(0);
        PKCS10CertificationRequest request = new JcaPKCS10CertificationRequestBuilder(
                CertificateIssuer.commonName(endpoint), current.getPublicKey())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(signing.key()));
        Files.writeString(out, Pem.encode(request), StandardCharsets.US_ASCII);
        PrintWriter writer = spec.commandLine().getOut();
        writer.println("certification request for " + endpoint + " in " + out + "; the CA signs it with 'portfolio "
                + "keys sign-csr --ca DIR --csr " + out + " --out " + data.resolve(KeyFiles.CERTIFICATE) + "'");
        writer.flush();
        return 0;
    }
}
