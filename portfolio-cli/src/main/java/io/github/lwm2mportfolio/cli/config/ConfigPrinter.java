package io.github.lwm2mportfolio.cli.config;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.github.lwm2mportfolio.cli.DurationConverter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --print-config}: every setting with its effective value as YAML that reads back as a settings file
 * (secrets masked), and where each value comes from as a comment.
 */
final class ConfigPrinter {

    /** What YAML reads as text when written bare; the rest is quoted. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./][A-Za-z0-9_./@+-]*");
    private static final Set<String> YAML_WORDS = Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n");
    private static final int COMMENT_COLUMN = 44;

    private ConfigPrinter() {
    }

    static void print(EffectiveSettings settings, PrintWriter out) {
        out.println("# Effective settings: defaults < --config file < command line < PORTFOLIO_* environment."
                + " Secrets masked.");
        for (Map.Entry<String, OptionSpec> setting : settings.settings().entrySet()) {
            String key = setting.getKey();
            String value = yaml(setting.getValue(), setting.getValue().getValue());
            String line = key + ":" + (value.isEmpty() ? "" : " " + value);
            out.println(line + " ".repeat(Math.max(2, COMMENT_COLUMN - line.length())) + "# "
                    + settings.source(key).where());
        }
        out.flush();
    }

    private static String yaml(OptionSpec option, Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Collection<?> values) {
            return values.stream().map(each -> scalar(option, each)).collect(Collectors.joining(", ", "[", "]"));
        }
        return scalar(option, value);
    }

    private static String scalar(OptionSpec option, Object value) {
        if (value instanceof Boolean || value instanceof Number) {
            return value.toString();
        }
        String text = value instanceof Duration duration ? DurationConverter.format(duration)
                : SecretSettings.mask(option, value.toString());
        return PLAIN.matcher(text).matches() && !YAML_WORDS.contains(text.toLowerCase(Locale.ROOT)) ? text
                : "'" + text.replace("'", "''") + "'";
    }
}
