package io.github.lwm2mportfolio.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One style of help metavariable for every option of every command: what the value is, in capitals
 * ({@code --data=DIR}, {@code --coap-port=PORT}, {@code --url=URL}, {@code --token-file=FILE}), instead of
 * picocli's field names ({@code --data=<dataDirectory>}). Options that name their label keep it.
 */
final class HelpLabels {

    private HelpLabels() {
    }

    static void apply(CommandLine commandLine) {
        CommandSpec spec = commandLine.getCommandSpec();
        for (OptionSpec option : List.copyOf(spec.options())) {
            if (option.arity().max() > 0 && option.paramLabel().startsWith("<") && option.group() == null) {
                spec.remove(option);
                spec.addOption(OptionSpec.builder(option).paramLabel(label(option)).build());
            }
        }
        commandLine.getSubcommands().values().forEach(HelpLabels::apply);
    }

    static String label(OptionSpec option) {
        String name = option.longestName().replaceFirst("^-+", "");
        String last = name.substring(name.lastIndexOf('-') + 1).toUpperCase(Locale.ROOT);
        Class<?> type = option.type();
        if (name.endsWith("-port")) {
            return "PORT";
        }
        if (type == Duration.class) {
            return "DURATION";
        }
        if (type == Path.class) {
            return name.endsWith("file") || name.equals("identity") || name.equals("certified")
                    || name.equals("revoked") ? "FILE" : "DIR";
        }
        if (name.equals("url") || name.equals("db")) {
            return name.equals("db") ? "JDBC-URL" : "URL";
        }
        if (name.equals("server")) {
            return "URI";
        }
        if (name.equals("bind") || name.endsWith("-host")) {
            return "ADDRESS";
        }
        if (name.endsWith("-key")) {
            return "HEX";
        }
        if (name.equals("lifetime")) {
            return "SECONDS";
        }
        if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
            return "N";
        }
        return last;
    }
}
