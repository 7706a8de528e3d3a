package io.github.lwm2mportfolio.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class LogBudgetTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    };

    @Test
    void a_flood_gets_its_budget_of_lines_then_one_that_counts_the_others() {
        LogBudget budget = new LogBudget(3, Duration.ofMinutes(1), clock);

        for (int i = 0; i < 3; i++) {
            assertThat(budget.spend()).isEqualTo(new LogBudget.Decision(true, 0));
        }
        for (int i = 1; i <= 5; i++) {
            assertThat(budget.spend()).isEqualTo(new LogBudget.Decision(false, i));
        }
        now.addAndGet(Duration.ofMinutes(1).toMillis());

        assertThat(budget.spend()).isEqualTo(new LogBudget.Decision(true, 5));
        assertThat(budget.spend()).isEqualTo(new LogBudget.Decision(true, 0));
    }
}
