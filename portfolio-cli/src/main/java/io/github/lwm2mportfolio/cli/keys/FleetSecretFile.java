package io.github.lwm2mportfolio.cli.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import io.github.lwm2mportfolio.cli.SecretFiles;
import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * A fleet secret file as devices are provisioned from it: one hex line (one secret, key id "default"), or lines
 * {@code KEYID HEX [NOT-AFTER]} (secrets by key id, for rotation; the last line is the newest).
 */
public record FleetSecretFile(String keyId, byte[] secret) {

    /** The entry {@code keyId} of the file, or its newest when {@code keyId} is null. */
    public static FleetSecretFile read(CommandSpec spec, String option, Path file, String keyId) {
        List<String> lines = lines(spec, option, file);
        String chosen = null;
        for (String line : lines) {
            String[] fields = line.split("\\s+");
            if (fields.length == 1 || keyId == null || fields[0].equals(keyId)) {
                chosen = line;
            }
        }
        if (chosen == null) {
            throw new ParameterException(spec.commandLine(), option + " " + file + ": no secret "
                    + (keyId == null ? "in it" : "with key id " + keyId));
        }
        String[] fields = chosen.split("\\s+");
        String hex = fields.length == 1 ? fields[0] : fields[1];
        try {
            return new FleetSecretFile(fields.length == 1 ? Pkcs12KeySource.DEFAULT_KEY_ID : fields[0],
                    HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + " " + file + ": the secret must be hexadecimal");
        }
    }

    /** The significant lines of a fleet secret file (owner-only, comments and blank lines left out). */
    public static List<String> lines(CommandSpec spec, String option, Path file) {
        try {
            SecretFiles.requireOwnerOnly(file);
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(line -> line.replaceFirst("#.*", "").strip()).filter(line -> !line.isEmpty()).toList();
            if (lines.isEmpty()) {
                throw new ParameterException(spec.commandLine(), option + " " + file + ": holds no secret");
            }
            return lines;
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), option + " " + file + ": no such file");
        } catch (SecretFiles.UnsafeSecretFileException e) {
            throw new ParameterException(spec.commandLine(), option + " " + e.getMessage());
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), option + " " + file + ": cannot read it: "
                    + e.getMessage());
        }
    }
}
