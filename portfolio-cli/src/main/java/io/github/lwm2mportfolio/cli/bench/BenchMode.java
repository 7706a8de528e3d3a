package io.github.lwm2mportfolio.cli.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** What the server of a run does with each client. */
enum BenchMode {
    /** Bare Leshan: one read of /3/0 per registration. */
    BASELINE("bare Leshan"),
    /**
     * Bare Leshan making ours' exchanges and checking the same signatures with the raw primitive, storing
     * nothing: what no implementation can go under ({@link FloorBenchServer}).
     */
    FLOOR("floor"),
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

    /** Whether its clients are full Portfolio clients (with object 16 and a certified signing key). */
    boolean portfolioClients() {
        return this != BASELINE;
    }

    /** The name in "ours/bare" and "ours/floor". */
    String shortName() {
        return this == BASELINE ? "bare" : id();
    }

    static Optional<BenchMode> fromId(String id) {
        return Arrays.stream(values()).filter(mode -> mode.id().equals(id)).findFirst();
    }
}
