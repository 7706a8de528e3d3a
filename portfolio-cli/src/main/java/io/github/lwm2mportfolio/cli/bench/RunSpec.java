package io.github.lwm2mportfolio.cli.bench;

/** One run of the benchmark: this many clients, this server, load and transport; {@code run} counts from 1. */
record RunSpec(int clients, BenchMode mode, BenchLoad load, BenchTransport transport, int run) {

    /** E.g. "N=1000 flat run 2 portfolio", with " dtls" over DTLS, for progress lines and failure reasons. */
    String describe() {
        return "N=" + clients + " " + load.id() + (transport == BenchTransport.COAP ? "" : " " + transport.id())
                + " run " + run + " " + mode.id();
    }

    /** E.g. "1000-flat-coap-2-portfolio", for the names of the run's log files. */
    String fileStem() {
        return clients + "-" + load.id() + "-" + transport.id() + "-" + run + "-" + mode.id();
    }
}
