package io.github.lwm2mportfolio.cli.keys;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import io.github.lwm2mportfolio.core.auth.KeyDerivation;
import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import io.github.lwm2mportfolio.core.keys.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code portfolio keys rotate-secret}: a device's mac and encrypt keys derived again from a newer fleet secret. */
@Command(name = "rotate-secret", mixinStandardHelpOptions = true,
        description = "Replace the mac and encrypt keys in a device's keys.p12 with ones derived from a fleet secret "
                + "of a file of secrets by key id (the newest, or --key-id); the signing key and its chain stay.")
final class RotateSecretCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The device's data directory.")
    Path data;

    @Option(names = "--endpoint", required = true, description = "The device's endpoint name.")
    String endpoint;

    @Option(names = "--fleet-secret-file", required = true, paramLabel = "FILE",
            description = "The fleet secrets by key id ('portfolio keys fleet-secret --key-id').")
    Path fleetSecretFile;

    @Option(names = "--key-id", paramLabel = "ID", description = "Which secret. Default: the newest (last) one.")
    String keyId;

    @Override
    public Integer call() throws Exception {
        Path file = data.resolve(KeyFiles.KEY_STORE);
        if (!Files.exists(file)) {
            throw new ParameterException(spec.commandLine(), "no " + file + ": make the device's keys first "
                    + "('portfolio keys device')");
        }
        FleetSecretFile secret = FleetSecretFile.read(spec, "--fleet-secret-file", fleetSecretFile, keyId);
        char[] password = KeyFiles.password(spec, data);
        Pkcs12KeySource current = Pkcs12KeySource.open(file, password);
        String previous = current.defaultKeyId();
        SigningKey signing = current.signingKey(previous);
        Pkcs12KeySource.store(file, password, new SigningKey(secret.keyId(), signing.key(), signing.chain()),
                derived(secret.secret(), KeyDerivation.PURPOSE_MAC, Pkcs12KeySource.MAC_KEY_BYTES, "HmacSHA256"),
                derived(secret.secret(), KeyDerivation.PURPOSE_ENCRYPT, Pkcs12KeySource.ENCRYPTION_KEY_BYTES, "AES"));
        Arrays.fill(secret.secret(), (byte) 0);
        PrintWriter out = spec.commandLine().getOut();
        out.println(endpoint + ": mac and encrypt keys of fleet secret " + secret.keyId() + " (were " + previous
                + ") in " + file);
        out.flush();
        return 0;
    }

    private SecretKey derived(byte[] secret, String purpose, int length, String algorithm) {
        byte[] bytes = KeyDerivation.deriveDeviceKey(secret, endpoint, purpose, length);
        SecretKey key = new SecretKeySpec(bytes, algorithm);
        Arrays.fill(bytes, (byte) 0);
        return key;
    }
}
