package io.github.lwm2mportfolio.cli;

import java.nio.file.Path;
import java.util.HexFormat;

import io.github.lwm2mportfolio.client.registration.RegistrationForm;
import io.github.lwm2mportfolio.core.auth.AuthService;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Option values shared by several commands, checked into bad-usage errors (exit 2). */
public final class Options {

    private Options() {
    }

    /** Hex bytes, or null when the option was not given. */
    public static byte[] hex(CommandSpec spec, String option, String value) {
        if (value == null) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + " must be hexadecimal: " + e.getMessage());
        }
    }

    /** The first line of a file that holds a secret (a password, a key): secrets never go on the command line. */
    public static char[] secretFile(CommandSpec spec, String option, Path file) {
        if (file == null) {
            throw new ParameterException(spec.commandLine(), option + " FILE is required");
        }
        return SecretFiles.readLine(spec, option, file).toCharArray();
    }

    public static AuthService service(CommandSpec spec, String option, String value) {
        try {
            return AuthService.fromArgument(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(),
                    option + " must be sign, mac or encrypt, got '" + value + "'");
        }
    }

    /** The registration form from --lwm2m-version and --advertised-format. */
    public static RegistrationForm registrationForm(CommandSpec spec, String version, String advertised) {
        try {
            return RegistrationForm.parse(version, advertised);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage()
                    + " (--lwm2m-version 1.0|1.1, --advertised-format all|none|FORMAT)");
        }
    }
}
