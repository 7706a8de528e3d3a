package io.github.lwm2mportfolio.cli.keys;

import java.io.IOException;
import java.nio.file.Path;

import io.github.lwm2mportfolio.cli.SecretFiles;
import io.github.lwm2mportfolio.core.keys.KeySource;
import io.github.lwm2mportfolio.core.keys.KeyUnavailableException;
import io.github.lwm2mportfolio.core.keys.Pkcs11KeySource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * A PKCS#11 token that holds a device's keys instead of {@code keys.p12}. The token is chosen by its index among
 * the library's slots that hold a token: the JDK's SunPKCS11 selects tokens by slot, not by label.
 */
public final class TokenOptions {

    @Option(names = "--token-library", paramLabel = "PATH",
            description = "PKCS#11 library of a token that holds the keys, e.g. /usr/lib/softhsm/libsofthsm2.so.")
    Path library;

    @Option(names = "--token-slot-index", paramLabel = "N", defaultValue = "0",
            description = "Which of the library's tokens (0: the first). Default: ${DEFAULT-VALUE}.")
    int slotIndex;

    @Option(names = "--token-pin-file", paramLabel = "FILE", description = "File whose first line is the token's "
            + "user PIN (mode 0600).")
    Path pinFile;

    public boolean given() {
        return library != null || pinFile != null;
    }

    /**
     * The device's keys in the token (made there on first use), certified by {@code DIR/device.pem} when the data
     * directory has one. The token is reached at the first key request: a wrong PIN or a missing token fails those
     * requests, not the start.
     */
    public KeySource open(CommandSpec spec, Path dataDirectory, String endpoint, byte[] fleetSecretOrNull)
            throws IOException, KeyUnavailableException {
        if (library == null || pinFile == null) {
            throw new ParameterException(spec.commandLine(), "--token-library and --token-pin-file go together");
        }
        if (slotIndex < 0) {
            throw new ParameterException(spec.commandLine(), "--token-slot-index must be 0 or more");
        }
        char[] pin = SecretFiles.readLine(spec, "--token-pin-file", pinFile).toCharArray();
        KeySource keys = new Pkcs11KeySource(new Pkcs11KeySource.Token(library, slotIndex, pin), endpoint,
                fleetSecretOrNull);
        return KeyFiles.certified(keys, dataDirectory.resolve(KeyFiles.CERTIFICATE));
    }
}
