package io.github.lwm2mportfolio.client.registration;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a client waits before it registers again after a failed registration: {@code first} after the first
 * failure, twice as long after each further one, never more than {@code longest}; a success starts again from
 * {@code first}.
 */
public record RegistrationBackOff(Duration first, Duration longest) {

    /** 10 s, 20 s, 40 s, ... up to 10 minutes (Leshan's own fixed wait). */
    public static final RegistrationBackOff DEFAULT = new RegistrationBackOff(Duration.ofSeconds(10),
            Duration.ofMinutes(10));

    public RegistrationBackOff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(longest, "longest");
        if (first.isNegative() || first.isZero() || longest.compareTo(first) < 0) {
            throw new IllegalArgumentException("a registration back-off needs 0 < first <= longest, got " + first
                    + " and " + longest);
        }
    }

    /** The same wait after every failure. */
    public static RegistrationBackOff fixed(Duration wait) {
        return new RegistrationBackOff(wait, wait);
    }

    /** The wait after {@code failures} failures in a row (1: the first). */
    public Duration waitAfter(int failures) {
        Duration wait = first;
        for (int i = 1; i < failures && wait.compareTo(longest) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(longest) > 0 ? longest : wait;
    }

    /** A wait as a person reads it: "10 s", "2 min 40 s", "1 h". */
    public static String inWords(Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        long rest = seconds % 60;
        StringBuilder words = new StringBuilder();
        if (hours > 0) {
            words.append(hours).append(" h");
        }
        if (minutes > 0) {
            words.append(words.isEmpty() ? "" : " ").append(minutes).append(" min");
        }
        if (rest > 0) {
            words.append(words.isEmpty() ? "" : " ").append(rest).append(" s");
        }
        return words.toString();
    }
}
