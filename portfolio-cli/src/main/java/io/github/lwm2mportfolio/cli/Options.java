package io.github.lwm2mportfolio.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.lwm2mportfolio.client.registration.RegistrationForm;
import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.server.collector.ReregisterFastPath;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/** Option values shared by several commands, checked into bad-usage errors (exit 2). */
public final class Options {

    private static final Pattern CERTIFICATE_FILE = Pattern.compile("(?i).*\\.(pem|crt|cer|der)");

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
            // Not Java's message (it names a character code): what the value must look like.
            throw new ParameterException(spec.commandLine(), option + " must be hexadecimal: digits 0-9 and a-f, "
                    + "two for each byte");
        }
    }

    /** An LwM2M server URI: coap://HOST[:PORT] or coaps://HOST[:PORT], with a port from 1 to 65535. */
    public static String serverUri(CommandSpec spec, String option, String value) {
        String usage = option + " must be coap://HOST:PORT or coaps://HOST:PORT, got '" + value + "'";
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new ParameterException(spec.commandLine(), usage + ": " + e.getReason());
        }
        if (!"coap".equalsIgnoreCase(uri.getScheme()) && !"coaps".equalsIgnoreCase(uri.getScheme())
                || uri.getHost() == null || uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new ParameterException(spec.commandLine(), usage);
        }
        return value;
    }

    /** An LwM2M endpoint name: not empty, no white space or control characters at its ends. */
    public static String endpointName(CommandSpec spec, String option, String value) {
        if (value.isBlank() || !value.strip().equals(value) || value.chars().anyMatch(Character::isISOControl)) {
            throw new ParameterException(spec.commandLine(), option + " must be a name without control characters "
                    + "or spaces at its ends, e.g. meter-1, got '" + value + "'");
        }
        return value;
    }

    /**
     * Every int option of the command whose name ends in {@code -port} holds a UDP/TCP port (0 to 65535, 0: any
     * free one); checked before the command runs, so that a wrong port is bad usage, not a failed start.
     */
    public static void checkPorts(CommandSpec spec) {
        for (OptionSpec option : spec.options()) {
            if (option.longestName().endsWith("-port") && option.type() == int.class) {
                int port = option.getValue();
                if (port < 0 || port > 65535) {
                    throw new ParameterException(spec.commandLine(),
                            option.longestName() + " must be a port from 0 to 65535, got " + port);
                }
            }
        }
    }

    /** A JDBC URL of a database the server supports (null: the default H2 file). */
    public static void jdbcUrl(CommandSpec spec, String option, String url) {
        if (url != null && !url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new ParameterException(spec.commandLine(), option + " must be a jdbc:h2: or jdbc:postgresql: URL, "
                    + "e.g. jdbc:postgresql://127.0.0.1:5432/portfolio?user=portfolio");
        }
    }

    /** An address to listen on: an IP address or a name that resolves, so that a typo is not a failed start. */
    public static void resolvableHost(CommandSpec spec, String option, String host) {
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), option + ": cannot resolve host '"
                    + InputFiles.shorten(host) + "'; give an IP address or a host name of this machine");
        }
    }

    /** A file the command reads (null when the option was not given): it exists, is a file and is readable. */
    public static void readableFile(CommandSpec spec, String option, Path file, String expected) {
        if (file == null) {
            return;
        }
        String problem = !Files.exists(file) ? "not found"
                : Files.isDirectory(file) ? "is a directory, not a file"
                : !Files.isReadable(file) ? "not readable by this user (check its permissions)" : null;
        if (problem != null) {
            throw new ParameterException(spec.commandLine(),
                    option + " " + file + ": " + problem + "; give the path of " + expected);
        }
    }

    /** A directory the command reads (null when the option was not given). */
    public static void readableDirectory(CommandSpec spec, String option, Path directory, String expected) {
        if (directory == null) {
            return;
        }
        String problem = !Files.exists(directory) ? "not found"
                : !Files.isDirectory(directory) ? "not a directory"
                : !Files.isReadable(directory) || !Files.isExecutable(directory)
                        ? "not readable by this user (check its permissions)" : null;
        if (problem != null) {
            throw new ParameterException(spec.commandLine(),
                    option + " " + directory + ": " + problem + "; give the path of " + expected);
        }
    }

    /**
     * A directory of certificates (null when the option was not given): readable, and so is each certificate file
     * in it (.pem, .crt, .cer, .der, as the server reads them), so that a file the server cannot read stops the
     * start before anything is made, not half-way through it.
     */
    public static void certificateDirectory(CommandSpec spec, String option, Path directory) {
        readableDirectory(spec, option, directory, "a directory of PEM or DER certificates");
        if (directory == null) {
            return;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (CERTIFICATE_FILE.matcher(file.getFileName().toString()).matches() && !Files.isDirectory(file)
                        && !Files.isReadable(file)) {
                    throw new ParameterException(spec.commandLine(), option + " " + directory + ": "
                            + file.getFileName() + " is not readable by this user (check its permissions)");
                }
            }
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), option + " " + directory + ": cannot list it: "
                    + PortfolioCommand.oneLineReason(e));
        }
    }

    /**
     * A directory the command writes, made when missing (null when the option was not given): it, or the
     * nearest part of its path that exists, is a directory this user may write.
     */
    public static void writableDirectory(CommandSpec spec, String option, Path directory) {
        if (directory == null) {
            return;
        }
        Path target = directory.toAbsolutePath();
        Path existing = target;
        while (!Files.exists(existing) && existing.getParent() != null) {
            existing = existing.getParent();
        }
        String subject = option + " " + directory + (existing.equals(target) ? "" : " cannot be made: " + existing);
        String problem = !Files.isDirectory(existing) ? "is not a directory"
                : !Files.isWritable(existing) || !Files.isExecutable(existing) ? "is not writable by this user" : null;
        if (problem != null) {
            throw new ParameterException(spec.commandLine(), subject + " " + problem + "; choose another " + option
                    + " or fix the path's permissions");
        }
        // Permission bits do not tell everything (root, /proc, read-only mounts): making it does.
        try {
            SecretFiles.createPrivateDirectory(directory);
        } catch (IOException e) {
            // Linux answers "no such file" for a directory that /proc or /sys cannot hold.
            String reason = e instanceof NoSuchFileException ? "the file system does not allow it"
                    : PortfolioCommand.oneLineReason(e);
            throw new ParameterException(spec.commandLine(), option + ": cannot create directory " + directory + ": "
                    + reason + "; choose a writable place");
        }
    }

    /** The first line of a file that holds a secret (a password, a key): secrets never go on the command line. */
    public static char[] secretFile(CommandSpec spec, String option, Path file) {
        if (file == null) {
            throw new ParameterException(spec.commandLine(), option + " FILE is required");
        }
        return SecretFiles.readLine(spec, option, file).toCharArray();
    }

    /** How often devices are collected again: zero (never) or at least a minute, so that devices are not flooded. */
    public static Duration collectionInterval(CommandSpec spec, String option, Duration value) {
        if (!value.isZero() && value.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new ParameterException(spec.commandLine(), option + " must be 0 (never) or at least 1m, got "
                    + DurationConverter.format(value));
        }
        return value;
    }

    public static AuthService service(CommandSpec spec, String option, String value) {
        try {
            return AuthService.fromArgument(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(),
                    option + " must be sign, mac or encrypt, got '" + value + "'");
        }
    }

    /** The re-registration fast path: off, secure or on. */
    public static ReregisterFastPath reregisterFastPath(CommandSpec spec, String option, String value) {
        ReregisterFastPath fastPath = ReregisterFastPath.parse(value);
        if (fastPath == null) {
            throw new ParameterException(spec.commandLine(), option + " must be off, secure or on, got '" + value
                    + "'");
        }
        return fastPath;
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
