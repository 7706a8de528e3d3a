package io.github.lwm2mportfolio.cli.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Where each setting of a command comes from (its default, the file, the command line or the environment, each
 * overriding the one before), the command line that says it all, and errors that point at the source of a bad
 * value: "portfolio.yaml:7: http-port must be ...", not "--http-port must be ..." when the option was not given.
 */
final class EffectiveSettings {

    enum Origin { DEFAULT, FILE, COMMAND_LINE, ENVIRONMENT }

    /** Where a setting's value comes from; {@code where} is how a message names it. */
    record Source(Origin origin, String where) {
        static final Source DEFAULT = new Source(Origin.DEFAULT, "default");
    }

    private final Map<String, OptionSpec> settings;
    private final Map<String, Source> sources = new HashMap<>();
    private final List<String> arguments = new ArrayList<>();

    private EffectiveSettings(Map<String, OptionSpec> settings) {
        this.settings = settings;
    }

    /**
     * The settings of the command {@code parsed} ran, from {@code file} (may be null), its command line and
     * {@code environment}; a key of the file that is no setting, a list where one value goes, a secret in a file
     * others may read, or a flag that is neither true nor false is refused.
     */
    static EffectiveSettings resolve(ParseResult parsed, ConfigFile file, Map<String, String> environment)
            throws ConfigException {
        CommandSpec spec = parsed.commandSpec();
        EffectiveSettings effective = new EffectiveSettings(SettingKeys.of(spec));
        if (file != null) {
            effective.check(file);
        }
        for (OptionSpec option : spec.options()) {
            if (SettingKeys.isSetting(option)) {
                effective.resolve(option, parsed, file, environment);
            } else if (parsed.hasMatchedOption(option)) {
                effective.add(option, option.arity().max() == 0 ? List.of("true") : option.originalStringValues());
            }
        }
        return effective;
    }

    private void resolve(OptionSpec option, ParseResult parsed, ConfigFile file, Map<String, String> environment)
            throws ConfigException {
        String key = SettingKeys.key(option);
        String variable = SettingKeys.environmentVariable(key);
        String fromEnvironment = environment.get(variable);
        ConfigFile.Entry fromFile = file == null ? null : file.entries().get(key);
        Source source;
        List<String> values;
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            source = new Source(Origin.ENVIRONMENT, variable + " (environment)");
            values = option.isMultiValue() ? Arrays.stream(fromEnvironment.split(",")).map(String::strip)
                    .filter(value -> !value.isEmpty()).toList() : List.of(fromEnvironment);
        } else if (parsed.hasMatchedOption(option)) {
            source = new Source(Origin.COMMAND_LINE, option.longestName());
            values = option.arity().max() == 0 ? List.of("true") : option.originalStringValues();
            if (values.isEmpty()) { // an optional value left out: the option alone, as given
                sources.put(key, source);
                arguments.add(option.longestName());
                return;
            }
        } else if (fromFile != null && !fromFile.values().isEmpty()) {
            source = new Source(Origin.FILE, file.where(fromFile));
            values = fromFile.values();
        } else {
            sources.put(key, Source.DEFAULT);
            return;
        }
        sources.put(key, source);
        if (option.arity().max() == 0) {
            values = List.of(flag(key, source, values.get(0)));
        }
        add(option, values);
    }

    /** A flag is on or off: "true" or "false" in a file or a variable. */
    private static String flag(String key, Source source, String value) throws ConfigException {
        String lower = value.strip().toLowerCase(Locale.ROOT);
        if (!lower.equals("true") && !lower.equals("false")) {
            throw new ConfigException(source.where() + ": " + key + " is true or false, got '" + value + "'");
        }
        return lower;
    }

    private void add(OptionSpec option, List<String> values) {
        for (String value : values) {
            if (option.arity().max() == 0) {
                if (value.equals("true")) {
                    arguments.add(option.longestName());
                }
            } else {
                // name=value: a value that starts with a dash is not taken for an option.
                arguments.add(option.longestName() + "=" + value);
            }
        }
    }

    private void check(ConfigFile file) throws ConfigException {
        for (ConfigFile.Entry entry : file.entries().values()) {
            OptionSpec option = settings.get(entry.key());
            if (option == null) {
                throw new ConfigException(file.where(entry) + ": " + unknownKey(entry.key()));
            }
            if (entry.list() && !option.isMultiValue()) {
                throw new ConfigException(file.where(entry) + ": " + entry.key() + " takes one value, got a list");
            }
            if (file.othersMayRead() != null
                    && entry.values().stream().anyMatch(value -> SecretSettings.holdsSecret(option, value))) {
                throw new ConfigException(file.where(entry) + ": " + entry.key() + " holds a secret but others may "
                        + "read " + file.path() + " (mode " + file.othersMayRead() + "): chmod 600 " + file.path()
                        + secretFileHint(entry.key()));
            }
        }
    }

    private String secretFileHint(String key) {
        return settings.containsKey(key + "-file") ? ", or give " + key + "-file, a file of its own" : "";
    }

    private String unknownKey(String key) {
        String bare = key.replaceFirst("^-+", "");
        if (SettingKeys.COMMAND_LINE_ONLY.contains("--" + bare)) {
            return key + " is not a setting: give --" + bare + " on the command line";
        }
        String closest = SettingKeys.closest(key, settings.keySet());
        return "unknown key '" + key + "'; " + (closest != null ? "did you mean '" + closest + "'?"
                : "the keys are the options of 'portfolio server --help' without their dashes");
    }

    /** The command line that gives every setting that is not left to its default, for picocli to parse again. */
    String[] arguments() {
        return arguments.toArray(String[]::new);
    }

    Map<String, OptionSpec> settings() {
        return settings;
    }

    /** The options given on the command line (not from the file or the environment), by their long names. */
    Set<String> givenOnCommandLine() {
        Set<String> given = new HashSet<>();
        sources.forEach((key, source) -> {
            if (source.origin() == Origin.COMMAND_LINE) {
                given.add("--" + key);
            }
        });
        return given;
    }

    Source source(String key) {
        return sources.getOrDefault(key, Source.DEFAULT);
    }

    /**
     * Two listeners of the command on one port (coap-port and coaps-port, or http-port and a CoAP port): the
     * second cannot bind, so the start is refused before anything is made. 0 (any free port, or off) is no port.
     */
    void checkDistinctPorts(CommandLine command) {
        Map<Integer, String> taken = new HashMap<>();
        for (Map.Entry<String, OptionSpec> setting : settings.entrySet()) {
            String key = setting.getKey();
            if (!key.endsWith("-port") || !(setting.getValue().getValue() instanceof Integer port) || port == 0) {
                continue;
            }
            String other = taken.putIfAbsent(port, key);
            if (other != null) {
                throw new SettingsException(command, "the same port twice: " + other + " and " + key + " are both "
                        + port + " (" + source(other).where() + ", " + source(key).where()
                        + "); give each listener its own port");
            }
        }
    }

    /**
     * A bad value, said of where it was given: the option's own message with the file's line (or the variable) in
     * front and the key instead of the option's name. An option given on the command line keeps its message.
     */
    ParameterException attributed(ParameterException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        String key = e.getArgSpec() instanceof OptionSpec option && SettingKeys.isSetting(option)
                ? SettingKeys.key(option) : keyAtStart(message);
        Origin origin = key == null ? Origin.DEFAULT : source(key).origin();
        if (origin != Origin.FILE && origin != Origin.ENVIRONMENT) {
            return e;
        }
        String name = "--" + key;
        String invalid = "Invalid value for option '" + name + "': ";
        String reason = message.startsWith(invalid) ? key + ": " + message.substring(invalid.length())
                : message.startsWith(name) ? key + message.substring(name.length()) : key + ": " + message;
        String located = source(key).where() + ": " + reason;
        return new SettingsException(e.getCommandLine(), located);
    }

    /** The setting a message is about: "--trust /x: not found" is about trust (and not about a shorter name). */
    private String keyAtStart(String message) {
        for (String key : settings.keySet()) {
            String name = "--" + key;
            if (message.startsWith(name) && (message.length() == name.length()
                    || " :".indexOf(message.charAt(name.length())) >= 0)) {
                return key;
            }
        }
        return null;
    }
}
