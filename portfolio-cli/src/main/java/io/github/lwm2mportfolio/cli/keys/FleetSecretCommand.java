package io.github.lwm2mportfolio.cli.keys;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;

import io.github.lwm2mportfolio.cli.SecretFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portfolio keys fleet-secret}: a new fleet master secret for the mac and encrypt services. */
@Command(name = "fleet-secret", mixinStandardHelpOptions = true,
        description = "Write a new 32-byte fleet secret (hex, mode 0600): devices' mac and encrypt keys derive from it.")
final class FleetSecretCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write it.")
    Path out;

    @Override
    public Integer call() throws Exception {
        KeysCommand.requireAbsent(spec, out);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        SecretFiles.writeLine(out, HexFormat.of().formatHex(secret));
        PrintWriter writer = spec.commandLine().getOut();
        writer.println("fleet secret in " + out + " (0600): give it to 'portfolio server --fleet-key-file' and "
                + "'portfolio keys device --fleet-secret-file'");
        writer.flush();
        return 0;
    }
}
