package io.github.lwm2mportfolio.cli.keys;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

import io.github.lwm2mportfolio.cli.SecretFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code portfolio keys fleet-secret}: a new fleet master secret for the mac and encrypt services. */
@Command(name = "fleet-secret", mixinStandardHelpOptions = true,
        description = "Write a new 32-byte fleet secret (hex, mode 0600): devices' mac and encrypt keys derive from it.")
final class FleetSecretCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write it.")
    Path out;

    @Option(names = "--key-id", paramLabel = "ID", description = "Add the secret under this key id to a file of "
            + "secrets by key id (for rotation: 'ID HEX' lines; give the old one a not-after, an ISO-8601 instant, "
            + "as a third field). Default: a file of one secret, never replaced.")
    String keyId;

    @Override
    public Integer call() throws Exception {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String hex = HexFormat.of().formatHex(secret);
        if (keyId == null) {
            KeysCommand.requireAbsent(spec, out);
            SecretFiles.writeLine(out, hex);
        } else {
            if (!keyId.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new ParameterException(spec.commandLine(), "--key-id must be 1 to 64 "
                        + "letters, digits, '.', '_' or '-'");
            }
            List<String> lines = Files.exists(out)
                    ? FleetSecretFile.lines(spec, "--out", out) : List.of();
            for (String line : lines) {
                String[] fields = line.split("\\s+");
                if (fields.length == 1) {
                    throw new ParameterException(spec.commandLine(), out + " holds a secret "
                            + "without a key id; start a file of secrets by key id elsewhere");
                }
                if (fields[0].equals(keyId)) {
                    throw new ParameterException(spec.commandLine(), out + " has key id "
                            + keyId + " already");
                }
            }
            SecretFiles.write(out, (String.join("\n", lines) + (lines.isEmpty() ? "" : "\n") + keyId + " " + hex
                    + "\n").getBytes(StandardCharsets.UTF_8));
        }
        PrintWriter writer = spec.commandLine().getOut();
        writer.println("fleet secret in " + out + " (0600): give it to 'portfolio server --fleet-key-file' and "
                + "'portfolio keys device --fleet-secret-file'");
        writer.flush();
        return 0;
    }
}
