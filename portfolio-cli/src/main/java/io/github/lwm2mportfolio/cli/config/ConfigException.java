package io.github.lwm2mportfolio.cli.config;

/** A settings file that cannot be used, said in one line that starts with "file:line:". */
final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    ConfigException(String message) {
        super(message);
    }
}
