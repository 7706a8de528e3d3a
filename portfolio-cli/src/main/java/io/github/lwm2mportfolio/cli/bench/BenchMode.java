package io.github.lwm2mportfolio.cli.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** What the server of a run does with each client. */
enum BenchMode {
    /** Bare Leshan: one read of /3/0 per registration. */
    BASELINE("bare Leshan"),
    /** The full Portfolio collection: /3/0/22, /16/n, GetAuthData sign, AuthData verified and stored. */
    PORTFOLIO("Portfolio");

    private final String label;

    BenchMode(String label) {
        this.label = label;
    }

    /** The name on the command line and in results.json. */
    @JsonValue
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The name in the table and the chart. */
    String label() {
        return label;
    }

    static Optional<BenchMode> fromId(String id) {
        return Arrays.stream(values()).filter(mode -> mode.id().equals(id)).findFirst();
    }
}
