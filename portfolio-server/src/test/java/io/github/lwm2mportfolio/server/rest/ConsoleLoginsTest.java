package io.github.lwm2mportfolio.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.server.inventory.JdbcInventory;

class ConsoleLoginsTest {

    @TempDir
    Path databaseDir;

    private final SettableClock clock = new SettableClock();
    private JdbcInventory inventory;
    private ConsoleLogins logins;

    @BeforeEach
    void open() {
        inventory = JdbcInventory.open(JdbcInventory.h2Url(databaseDir));
        logins = new ConsoleLogins(inventory.tokens(), clock);
    }

    @AfterEach
    void close() {
        inventory.close();
    }

    @Test
    void a_code_is_good_until_it_expires() {
        String late = logins.issue();
        String inTime = logins.issue();

        clock.now = clock.now.plus(ConsoleLogins.VALID_FOR).minusSeconds(1);
        assertThat(logins.redeem(inTime)).isPresent();
        clock.now = clock.now.plusSeconds(2);

        assertThat(logins.redeem(late)).isEmpty();
    }

    @Test
    void a_code_works_once_and_codes_differ() {
        String first = logins.issue();
        String second = logins.issue();

        assertThat(first).isNotEqualTo(second).hasSize(32).matches("[A-Za-z0-9_-]+");
        assertThat(logins.redeem(first)).isPresent();
        assertThat(logins.redeem(first)).isEmpty();
        assertThat(logins.redeem(second)).isPresent();
    }

    @Test
    void null_and_blank_codes_log_nobody_in() {
        logins.issue();

        assertThat(logins.redeem(null)).isEmpty();
        assertThat(logins.redeem("")).isEmpty();
        assertThat(inventory.tokens().list()).isEmpty();
    }

    private static final class SettableClock extends Clock {
        Instant now = Instant.parse("2026-12-04T12:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
