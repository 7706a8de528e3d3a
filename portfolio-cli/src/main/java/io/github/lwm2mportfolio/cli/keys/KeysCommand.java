package io.github.lwm2mportfolio.cli.keys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.lwm2mportfolio.cli.Options;
import io.github.lwm2mportfolio.cli.SecretFiles;
import io.github.lwm2mportfolio.core.keys.KeyUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code portfolio keys}: a fleet CA, device keys and certificates, certification requests, fleet secrets. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Make and inspect the keys of a fleet: its CA, device keys and certificates, fleet secrets.",
        subcommands = { CaCommand.class, DeviceCommand.class, CsrCommand.class, SignCsrCommand.class,
                ShowCommand.class, FleetSecretCommand.class, RotateSecretCommand.class })
public final class KeysCommand {

    /** The fleet CA a subcommand signs with. */
    static final class CaOptions {
        @Option(names = "--ca", required = true, paramLabel = "DIR",
                description = "The fleet CA's directory (from 'portfolio keys ca').")
        Path directory;

        @Option(names = "--ca-password-file", paramLabel = "FILE",
                description = "The CA key's password file. Default: DIR/ca.password.")
        Path passwordFile;

        FleetAuthority open(CommandSpec spec) throws KeyUnavailableException {
            String expected = "the directory 'portfolio keys ca --out DIR' made";
            Options.readableDirectory(spec, "--ca", directory, expected);
            if (!Files.isRegularFile(directory.resolve(FleetAuthority.KEY_STORE))) {
                throw new ParameterException(spec.commandLine(), "--ca " + directory + ": no "
                        + FleetAuthority.KEY_STORE + " in it; give the path of " + expected);
            }
            Path file = passwordFile != null ? passwordFile : directory.resolve(FleetAuthority.PASSWORD);
            if (passwordFile == null && !Files.exists(file) && Files.exists(directory.resolve(FleetAuthority.KEY_STORE))) {
                throw new ParameterException(spec.commandLine(), "no " + file
                        + ": give the CA key's password with --ca-password-file FILE");
            }
            char[] password = Files.exists(file) ? SecretFiles.readLine(spec, "--ca-password-file", file).toCharArray()
                    : new char[0];
            return FleetAuthority.open(directory, password);
        }
    }

    static Duration days(CommandSpec spec, String option, int days) {
        if (days < 1 || days > 36_500) {
            throw new ParameterException(spec.commandLine(), option + " must be 1 to 36500 days, got " + days);
        }
        return Duration.ofDays(days);
    }

    /** Refuses to replace a file that holds keys or a certificate: nothing made earlier is lost. */
    static void requireAbsent(CommandSpec spec, Path file) {
        if (Files.exists(file)) {
            throw new ParameterException(spec.commandLine(), file + " exists already; it is never replaced (move "
                    + "it away first)");
        }
    }
}
