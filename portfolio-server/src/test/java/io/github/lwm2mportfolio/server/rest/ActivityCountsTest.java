package io.github.lwm2mportfolio.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.lwm2mportfolio.server.ServerEvents;

class ActivityCountsTest {

    private final ServerEvents events = new ServerEvents();
    private final Instant start = Instant.now();
    private Instant now = start;
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    };

    @Test
    void events_stay_in_their_minute_for_an_hour_then_drop_out() {
        try (ActivityCounts activity = new ActivityCounts(events, clock)) {
            events.publish("registered", "a", "");
            events.publish("verdict", "a", "");
            events.publish("verdict", "a", "");
            events.publish("deregistered", "a", "");

            now = start.plus(Duration.ofMinutes(30));
            List<ActivityCounts.Minute> halfAnHourLater = activity.lastHour();
            assertThat(halfAnHourLater).hasSize(60);
            assertThat(halfAnHourLater.stream().mapToLong(ActivityCounts.Minute::registrations).sum()).isEqualTo(1);
            assertThat(halfAnHourLater.stream().mapToLong(ActivityCounts.Minute::verdicts).sum()).isEqualTo(2);
            assertThat(halfAnHourLater.get(29).start()).isBefore(start.plusSeconds(1))
                    .isAfter(start.minusSeconds(120));

            now = start.plus(Duration.ofMinutes(61));
            assertThat(activity.lastHour()).allSatisfy(minute -> {
                assertThat(minute.registrations()).isZero();
                assertThat(minute.verdicts()).isZero();
            });
        }
    }

    @Test
    void closing_stops_the_counting() {
        ActivityCounts activity = new ActivityCounts(events, clock);
        activity.close();

        events.publish("registered", "a", "");

        assertThat(activity.lastHour()).allSatisfy(minute -> assertThat(minute.registrations()).isZero());
    }
}
