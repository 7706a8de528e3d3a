package io.github.lwm2mportfolio.cli.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Which options of a command are settings, and their names: the key in the file is the long option name without
 * its dashes ({@code --http-port}: {@code http-port}), the environment variable is that key in capitals with
 * underscores after {@code PORTFOLIO_} ({@code PORTFOLIO_HTTP_PORT}). A new option is a setting without more work.
 */
public final class SettingKeys {

    /** Options that do something once or that choose the configuration itself: never read from a file. */
    static final Set<String> COMMAND_LINE_ONLY = Set.of("--config", "--print-config", "--new-admin-token");

    private static final String ENVIRONMENT_PREFIX = "PORTFOLIO_";
    /** The REST commands' token and the launcher's JVM options: not server settings. */
    private static final Set<String> OTHER_VARIABLES = Set.of("PORTFOLIO_TOKEN", "PORTFOLIO_JAVA_OPTS");

    private SettingKeys() {
    }

    /** The settings of a command by key, in key order. */
    public static Map<String, OptionSpec> of(CommandSpec spec) {
        Map<String, OptionSpec> settings = new TreeMap<>();
        for (OptionSpec option : spec.options()) {
            if (isSetting(option)) {
                settings.put(key(option), option);
            }
        }
        return settings;
    }

    static boolean isSetting(OptionSpec option) {
        return !option.usageHelp() && !option.versionHelp() && !COMMAND_LINE_ONLY.contains(option.longestName());
    }

    public static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    public static String environmentVariable(String key) {
        return ENVIRONMENT_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * The variables of the environment that look like a misspelt setting (PORTFOLIO_HTTP_PROT), each with the
     * variable it most likely meant; variables of other commands (PORTFOLIO_TOKEN) and of the launcher are not.
     */
    static Map<String, String> misspeltVariables(Map<String, String> environment, Collection<String> keys) {
        Map<String, String> misspelt = new TreeMap<>();
        for (String variable : environment.keySet()) {
            if (!variable.startsWith(ENVIRONMENT_PREFIX) || OTHER_VARIABLES.contains(variable)) {
                continue;
            }
            String key = variable.substring(ENVIRONMENT_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '-');
            String closest = closest(key, keys);
            if (!keys.contains(key) && closest != null) {
                misspelt.put(variable, environmentVariable(closest));
            }
        }
        return misspelt;
    }

    /** The key a misspelt one most likely meant, or null when none is close. */
    static String closest(String misspelt, Collection<String> keys) {
        String wanted = normalized(misspelt);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String key : keys) {
            int distance = distance(wanted, normalized(key));
            if (distance < bestDistance) {
                best = key;
                bestDistance = distance;
            }
        }
        // Beyond a third of the word it is another word, not a typo.
        return bestDistance <= Math.max(2, wanted.length() / 3) ? best : null;
    }

    /** httpPort, HTTP_PORT and --http-port all mean http-port. */
    private static String normalized(String key) {
        return key.replaceFirst("^-+", "").replaceAll("([a-z])([A-Z])", "$1-$2").replace('_', '-')
                .toLowerCase(Locale.ROOT);
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
