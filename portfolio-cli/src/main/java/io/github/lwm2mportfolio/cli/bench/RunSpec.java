package io.github.lwm2mportfolio.cli.bench;

/** One run of the benchmark: this many clients, this server, this load; {@code run} counts from 1. */
record RunSpec(int clients, BenchMode mode, BenchLoad load, int run) {

    /** E.g. "N=1000 flat run 2 portfolio", for progress lines and failure reasons. */
    String describe() {
        return "N=" + clients + " " + load.id() + " run " + run + " " + mode.id();
    }

    /** E.g. "1000-flat-2-portfolio", for the names of the run's log files. */
    String fileStem() {
        return clients + "-" + load.id() + "-" + run + "-" + mode.id();
    }
}
