package io.github.lwm2mportfolio.cli.keys;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import io.github.lwm2mportfolio.cli.Options;
import io.github.lwm2mportfolio.core.auth.KeyDerivation;
import io.github.lwm2mportfolio.core.keys.KeyStorePasswords;
import io.github.lwm2mportfolio.core.keys.Pem;
import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import io.github.lwm2mportfolio.core.keys.SelfSignedCertificates;
import io.github.lwm2mportfolio.core.keys.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portfolio keys device}: a device's keys and its CA-signed certificate, as a client data directory. */
@Command(name = "device", mixinStandardHelpOptions = true,
        description = "Make a device's key pair and a certificate CN=ENDPOINT signed by the fleet CA, in the data "
                + "directory that 'portfolio client --data DIR' uses as it is.")
final class DeviceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KeysCommand.CaOptions ca;

    @Option(names = "--endpoint", required = true, description = "The device's endpoint name (the certificate's CN).")
    String endpoint;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The device's data directory (made 0700).")
    Path out;

    @Option(names = "--days", defaultValue = "825", description = "Validity in days. Default: ${DEFAULT-VALUE}.")
    int days;

    @Option(names = "--fleet-secret-file", paramLabel = "FILE", description = "The fleet secret (from 'portfolio keys "
            + "fleet-secret'; of a file of secrets by key id, the newest): the device's mac and encrypt keys derive "
            + "from it. Default: random keys (mac and encrypt then verify nowhere).")
    Path fleetSecretFile;

    @Override
    public Integer call() throws Exception {
        var validity = KeysCommand.days(spec, "--days", days);
        if (endpoint.isBlank()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--endpoint must not be blank");
        }
        KeysCommand.requireAbsent(spec, out.resolve(KeyFiles.KEY_STORE));
        KeysCommand.requireAbsent(spec, out.resolve(KeyFiles.CERTIFICATE));
        FleetSecretFile secretFile = fleetSecretFile == null ? null : FleetSecretFile.read(spec,
                "--fleet-secret-file", fleetSecretFile, null);
        byte[] fleetSecret = secretFile == null ? null : secretFile.secret();
        String keyId = secretFile == null ? Pkcs12KeySource.DEFAULT_KEY_ID : secretFile.keyId();
        FleetAuthority authority = ca.open(spec);
        SecureRandom random = new SecureRandom();
        KeyPair pair = SelfSignedCertificates.newP256KeyPair(random);
        X509Certificate certificate = authority.issue(pair.getPublic(), endpoint, validity);
        List<X509Certificate> chain = List.of(certificate, authority.certificate());

        Options.writableDirectory(spec, "--out", out);
        char[] password = KeyStorePasswords.writeNew(out.resolve(KeyFiles.PASSWORD));
        Pkcs12KeySource.store(out.resolve(KeyFiles.KEY_STORE), password,
                new SigningKey(keyId, pair.getPrivate(), chain),
                sharedKey(fleetSecret, KeyDerivation.PURPOSE_MAC, Pkcs12KeySource.MAC_KEY_BYTES, "HmacSHA256", random),
                sharedKey(fleetSecret, KeyDerivation.PURPOSE_ENCRYPT, Pkcs12KeySource.ENCRYPTION_KEY_BYTES, "AES",
                        random));
        Files.writeString(out.resolve(KeyFiles.CERTIFICATE), Pem.encode(chain.toArray()), StandardCharsets.US_ASCII);
        if (fleetSecret != null) {
            Arrays.fill(fleetSecret, (byte) 0);
        }
        PrintWriter writer = spec.commandLine().getOut();
        writer.println("device " + endpoint + ": certificate " + Fingerprints.sha256(certificate) + " until "
                + certificate.getNotAfter().toInstant() + ", issued by "
                + authority.certificate().getSubjectX500Principal().getName());
        writer.println("  " + out + ": keys.p12 (password in keys.password), device.pem; run 'portfolio client --data "
                + out + " --endpoint " + endpoint + " ...'");
        writer.flush();
        return 0;
    }

    private SecretKey sharedKey(byte[] fleetSecret, String purpose, int length, String algorithm, SecureRandom random) {
        byte[] bytes;
        if (fleetSecret != null) {
            bytes = KeyDerivation.deriveDeviceKey(fleetSecret, endpoint, purpose, length);
        } else {
            bytes = new byte[length];
            random.nextBytes(bytes);
        }
        SecretKey key = new SecretKeySpec(bytes, algorithm);
        Arrays.fill(bytes, (byte) 0);
        return key;
    }
}
