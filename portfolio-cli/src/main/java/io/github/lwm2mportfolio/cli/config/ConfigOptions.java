package io.github.lwm2mportfolio.cli.config;

import java.nio.file.Path;
import java.util.Set;

import picocli.CommandLine.Option;

/**
 * {@code --config FILE} and {@code --print-config}, mixed into a command whose every other option may then come
 * from a YAML file or a {@code PORTFOLIO_...} environment variable as well ({@link ConfiguredExecution}).
 */
public final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "A YAML file of settings, one key for each "
            + "option without its dashes (http-port: 8080). An option given here overrides the file; a PORTFOLIO_... "
            + "environment variable (PORTFOLIO_HTTP_PORT) overrides both. See docs/CONFIGURATION.md.")
    Path file;

    @Option(names = "--print-config", description = "Print the effective settings (file, options, environment) "
            + "as YAML with where each comes from, secrets masked, and exit without starting anything.")
    boolean print;

    private Set<String> givenOnCommandLine = Set.of();

    /**
     * Whether {@code option} (its long name) was given on the command line, where the process list shows it, rather
     * than in the file or the environment: a warning about a secret on the command line is for that case only.
     */
    public boolean givenOnCommandLine(String option) {
        return givenOnCommandLine.contains(option);
    }

    void givenOnCommandLine(Set<String> options) {
        givenOnCommandLine = Set.copyOf(options);
    }
}
