package io.github.lwm2mportfolio.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** Wrong tokens per address in a window that starts at the first one. */
class FailedLoginsTest {

    private final AtomicLong nanos = new AtomicLong();
    private final FailedLogins logins = new FailedLogins(3, Duration.ofMinutes(1), nanos::get);

    @Test
    void an_address_is_blocked_at_the_limit_until_its_window_ends_and_others_are_not() {
        logins.failed("10.0.0.1");
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());
        logins.failed("10.0.0.1");
        assertThat(logins.blocked("10.0.0.1")).isFalse();

        logins.failed("10.0.0.1");

        assertThat(logins.blocked("10.0.0.1")).isTrue();
        assertThat(logins.blocked("10.0.0.2")).isFalse();
        nanos.addAndGet(Duration.ofSeconds(29).toNanos());
        assertThat(logins.blocked("10.0.0.1")).as("59 s after the first failure").isTrue();
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(logins.blocked("10.0.0.1")).as("61 s after the first failure").isFalse();
    }

    @Test
    void a_new_window_counts_from_zero() {
        for (int i = 0; i < 3; i++) {
            logins.failed("10.0.0.1");
        }
        nanos.addAndGet(Duration.ofMinutes(2).toNanos());

        logins.failed("10.0.0.1");

        assertThat(logins.blocked("10.0.0.1")).isFalse();
    }
}
