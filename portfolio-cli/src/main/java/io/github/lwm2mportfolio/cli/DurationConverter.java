package io.github.lwm2mportfolio.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Every Duration option of the command: a number and a unit as people write them ({@code 500ms}, {@code 5s},
 * {@code 2m}, {@code 1h}, {@code 1d}), or ISO-8601 ({@code PT5S}); never negative. Registered for the whole command
 * line, and named on each Duration option too, for commands built on their own (bench-server in its process).
 */
public final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|min|h|d)");

    @Override
    public Duration convert(String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        if (text.equals("0")) {
            return Duration.ZERO; // "0 turns it off", as the options say: no unit needed
        }
        Duration duration = text.startsWith("p") || text.startsWith("-p") ? iso(value) : shortForm(value, text);
        if (duration.isNegative()) {
            throw new TypeConversionException("'" + value + "' is negative: give a duration such as 30s");
        }
        return duration;
    }

    /** A duration as this converter takes it and people write it: 100ms, 5s, 2m, 1h, 1d (the largest exact unit). */
    public static String format(Duration duration) {
        if (duration.toNanos() % 1_000_000 != 0 && duration.toSeconds() < 1) {
            return duration.toString(); // below a millisecond: no unit of ours says it
        }
        if (duration.toMillis() % 1000 != 0) {
            return duration.toMillis() + "ms";
        }
        long seconds = duration.toSeconds();
        if (seconds == 0) {
            return "0s";
        }
        return seconds % 86_400 == 0 ? seconds / 86_400 + "d" : seconds % 3600 == 0 ? seconds / 3600 + "h"
                : seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }

    private static Duration shortForm(String value, String text) {
        Matcher matcher = SHORT.matcher(text);
        if (!matcher.matches()) {
            throw new TypeConversionException("'" + value + "' is not a duration: write e.g. 500ms, 30s, 5m, 2h, 1d "
                    + "or ISO-8601 PT30S");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m", "min" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
        };
    }

    private static Duration iso(String value) {
        try {
            return Duration.parse(value.strip().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + value + "' is not a duration: write e.g. 500ms, 30s, 5m, 2h, 1d "
                    + "or ISO-8601 PT30S");
        }
    }
}
