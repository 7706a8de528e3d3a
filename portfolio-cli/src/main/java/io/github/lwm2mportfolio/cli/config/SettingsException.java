package io.github.lwm2mportfolio.cli.config;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * A bad setting said of where it was given (a file's line, a variable): bad usage (exit 2) in one line, without the
 * usage help, which is about options and would bury the line.
 */
public final class SettingsException extends ParameterException {

    private static final long serialVersionUID = 1L;

    SettingsException(CommandLine commandLine, String message) {
        super(commandLine, message);
    }
}
