package io.github.lwm2mportfolio.cli.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.github.lwm2mportfolio.cli.SecretFiles;
import io.github.lwm2mportfolio.core.keys.KeySource;
import io.github.lwm2mportfolio.core.keys.KeyUnavailableException;
import io.github.lwm2mportfolio.core.keys.Pkcs11KeySource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * A PKCS#11 token that holds a device's keys instead of {@code keys.p12}. The token is chosen by its label, or by its
 * index among the library's slots that hold a token (the first by default).
 */
public final class TokenOptions {

    @Option(names = "--token-library", paramLabel = "PATH",
            description = "PKCS#11 library of a token that holds the keys, e.g. /usr/lib/softhsm/libsofthsm2.so.")
    Path library;

    @Option(names = "--token-label", paramLabel = "LABEL", description = "The label of the token that holds the "
            + "keys (softhsm2-util --show-slots, pkcs11-tool -L). Default: the first token, or --token-slot-index.")
    String label;

    @Option(names = "--token-slot-index", paramLabel = "N",
            description = "Which of the library's tokens, by position (0: the first). Default: 0.")
    Integer slotIndex;

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
        if (label != null && slotIndex != null) {
            throw new ParameterException(spec.commandLine(), "--token-label and --token-slot-index exclude each other: "
                    + "choose the token one way");
        }
        if (slotIndex != null && slotIndex < 0) {
            throw new ParameterException(spec.commandLine(), "--token-slot-index must be 0 or more");
        }
        char[] pin = SecretFiles.readLine(spec, "--token-pin-file", pinFile).toCharArray();
        Pkcs11KeySource.Token token;
        if (label != null) {
            checkLabel(spec);
            token = Pkcs11KeySource.Token.labelled(library, label, pin);
        } else {
            token = new Pkcs11KeySource.Token(library, slotIndex == null ? 0 : slotIndex, pin);
        }
        KeySource keys = new Pkcs11KeySource(token, endpoint, fleetSecretOrNull);
        return KeyFiles.certified(keys, dataDirectory.resolve(KeyFiles.CERTIFICATE));
    }

    /** A label no token has is a mistake to tell now, with the labels there are (a token removed later is not). */
    private void checkLabel(CommandSpec spec) throws KeyUnavailableException {
        if (!Files.isRegularFile(library)) {
            return; // reported, as without a label, when the keys are first used
        }
        List<String> labels = Pkcs11KeySource.tokenLabels(library);
        if (!labels.contains(label)) {
            throw new ParameterException(spec.commandLine(), "--token-label '" + label + "': no token with this "
                    + "label in " + library + (labels.isEmpty() ? " (it has no token)" : "; its tokens: '"
                            + String.join("', '", labels) + "'"));
        }
    }
}
