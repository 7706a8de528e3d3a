package io.github.lwm2mportfolio.cli.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** How fast the simulator registers its clients. */
enum BenchLoad {
    /** At the offered rate of --rate registrations a second: for latency. */
    RATE,
    /** As fast as the simulator can: for throughput. */
    FLAT,
    /**
     * The fleet registers flat out and is collected; then every client registers again at once without having
     * deregistered, as after an outage. The figures are the second wave's.
     */
    REREGISTER;

    @JsonValue
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<BenchLoad> fromId(String id) {
        return Arrays.stream(values()).filter(load -> load.id().equals(id)).findFirst();
    }
}
