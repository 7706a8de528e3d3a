package io.github.lwm2mportfolio.cli.config;

import java.util.Map;

import io.github.lwm2mportfolio.cli.Options;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionStrategy;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Runs a command that mixes in {@link ConfigOptions} with its settings from the --config file, the command line and
 * the environment: they are merged into one command line that picocli parses again, so that each value is
 * converted and checked by its option exactly as when it is given as an option. Every check that the command
 * makes before it creates anything, and the ones here (ports in range, no port twice), name the file's line or
 * the variable of a bad value. Other commands run as they are.
 */
public final class ConfiguredExecution implements IExecutionStrategy {

    private final Map<String, String> environment;
    private final IExecutionStrategy next;

    /** {@code environment}: System.getenv(), or a map in tests; {@code next} runs the command. */
    public ConfiguredExecution(Map<String, String> environment, IExecutionStrategy next) {
        this.environment = Map.copyOf(environment);
        this.next = next;
    }

    @Override
    public int execute(ParseResult parseResult) {
        ParseResult last = parseResult;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        ConfigOptions options = configOptions(last.commandSpec());
        if (options == null || helpRequested(parseResult)) {
            return next.execute(parseResult);
        }
        CommandSpec spec = last.commandSpec();
        CommandLine command = spec.commandLine();
        EffectiveSettings settings;
        try {
            ConfigFile file = null;
            if (options.file != null) {
                Options.readableFile(spec, "--config", options.file, "a YAML file of settings "
                        + "(docs/CONFIGURATION.md)");
                file = ConfigFile.read(options.file);
            }
            settings = EffectiveSettings.resolve(last, file, environment);
            SettingKeys.misspeltVariables(environment, settings.settings().keySet()).forEach((variable, meant) ->
                    command.getErr().println("portfolio: warning: " + variable + " is no setting of "
                            + spec.qualifiedName() + " and is ignored; did you mean " + meant + "?"));
        } catch (ConfigException e) {
            throw new SettingsException(command, e.getMessage());
        }
        try {
            ParseResult effective = command.parseArgs(settings.arguments());
            options.givenOnCommandLine(settings.givenOnCommandLine());
            Options.checkPorts(spec);
            settings.checkDistinctPorts(command);
            if (options.print) {
                ConfigPrinter.print(settings, command.getOut());
                return 0;
            }
            return next.execute(effective);
        } catch (ParameterException e) {
            throw settings.attributed(e);
        }
    }

    private static ConfigOptions configOptions(CommandSpec spec) {
        for (CommandSpec mixin : spec.mixins().values()) {
            if (mixin.userObject() instanceof ConfigOptions options) {
                return options;
            }
        }
        return null;
    }

    private static boolean helpRequested(ParseResult parseResult) {
        for (ParseResult command = parseResult; command != null; command = command.subcommand()) {
            if (command.isUsageHelpRequested() || command.isVersionHelpRequested()) {
                return true;
            }
        }
        return false;
    }
}
