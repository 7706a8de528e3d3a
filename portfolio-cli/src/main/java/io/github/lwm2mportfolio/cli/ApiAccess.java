package io.github.lwm2mportfolio.cli;

import java.nio.file.Path;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options of a command that calls a server's REST API: where it is and the API token, from
 * {@code --token-file}, the environment variable {@value #TOKEN_VARIABLE} or (visible to other users of the
 * machine, so not the documented way) {@code --token}.
 */
public final class ApiAccess {

    public static final String TOKEN_VARIABLE = "PORTFOLIO_TOKEN";

    @Option(names = "--url", required = true, paramLabel = "URL", description = "The server's REST API, http://HOST:PORT.")
    String url;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file whose first line is the API token. Default: the environment variable "
                    + TOKEN_VARIABLE + ".")
    Path tokenFile;

    @Option(names = "--token", paramLabel = "TOKEN", description = "The API token itself (other users of this "
            + "machine may see it in the process list: prefer " + TOKEN_VARIABLE + " or --token-file).")
    String token;

    /** A client of the API at --url with the token. */
    public RestClient client(CommandSpec spec) {
        return new RestClient(spec, url, token(spec, token, tokenFile));
    }

    /**
     * The API token from {@code token}, else the first line of {@code tokenFile}, else {@value #TOKEN_VARIABLE};
     * bad usage (exit 2) when none is there.
     */
    public static String token(CommandSpec spec, String token, Path tokenFile) {
        if (token != null && tokenFile != null) {
            throw new ParameterException(spec.commandLine(), "give --token or --token-file, not both");
        }
        String found = token;
        if (token != null) {
            // As --psk-key: it works (scripts, tests), but the user should know who else can read it.
            spec.commandLine().getErr().println("portfolio: warning: --token shows in the process list of this "
                    + "machine; use " + TOKEN_VARIABLE + " or --token-file FILE");
            spec.commandLine().getErr().flush();
        }
        if (tokenFile != null) {
            found = SecretFiles.readLine(spec, "--token-file", tokenFile);
        } else if (found == null) {
            found = System.getenv(TOKEN_VARIABLE);
        }
        if (found == null || found.isBlank()) {
            throw new ParameterException(spec.commandLine(), "the REST API needs a token: set " + TOKEN_VARIABLE
                    + " or give --token-file FILE (the server prints its admin token on first start; "
                    + "portfolio tokens create makes more)");
        }
        return found.strip();
    }
}
