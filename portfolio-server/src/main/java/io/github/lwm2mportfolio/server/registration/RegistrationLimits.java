package io.github.lwm2mportfolio.server.registration;

import java.time.Duration;

/**
 * What the server accepts of registrations (issue 11).
 *
 * @param perSourceBurst new registrations one source address may make at once
 * @param perSourceRate new registrations per second one source address earns back after a burst
 * @param minLifetime the shortest registration lifetime accepted
 * @param maxLifetime the longest registration lifetime accepted
 */
public record RegistrationLimits(int perSourceBurst, double perSourceRate, Duration minLifetime,
        Duration maxLifetime) {

    /**
     * A simulator of 5,000 clients on one address registers at once within the burst; a flood beyond it is held to
     * 50 per second. Lifetimes from 10 seconds to 30 days.
     */
    public static RegistrationLimits defaults() {
        return new RegistrationLimits(5000, 50, Duration.ofSeconds(10), Duration.ofDays(30));
    }

    public RegistrationLimits {
        if (perSourceBurst < 1) {
            throw new IllegalArgumentException("the registration burst per source must be at least 1, got "
                    + perSourceBurst);
        }
        if (!(perSourceRate > 0) || Double.isInfinite(perSourceRate)) {
            throw new IllegalArgumentException("the registration rate per source must be positive, got "
                    + perSourceRate);
        }
        if (minLifetime.isNegative() || minLifetime.compareTo(maxLifetime) > 0) {
            throw new IllegalArgumentException("the lifetime range " + minLifetime + " to " + maxLifetime
                    + " is empty");
        }
    }

    public RegistrationLimits withPerSource(int burst, double rate) {
        return new RegistrationLimits(burst, rate, minLifetime, maxLifetime);
    }
}
