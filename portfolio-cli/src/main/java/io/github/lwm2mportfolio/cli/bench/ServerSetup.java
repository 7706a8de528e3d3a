package io.github.lwm2mportfolio.cli.bench;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One server of the comparison: a mode, and for ours how many nodes share PostgreSQL and Redis (0: one server on
 * its own H2 inventory, as a single installation runs).
 */
record ServerSetup(BenchMode mode, int nodes) {

    /** The name in the table and the chart, e.g. "Portfolio" or "Portfolio, 2 nodes". */
    @JsonIgnore
    String label() {
        return nodes == 0 ? mode.label() : mode.label() + ", " + nodes + (nodes == 1 ? " node" : " nodes");
    }
}
