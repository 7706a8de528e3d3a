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
    FLAT;

    @JsonValue
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<BenchLoad> fromId(String id) {
        return Arrays.stream(values()).filter(load -> load.id().equals(id)).findFirst();
    }
}
