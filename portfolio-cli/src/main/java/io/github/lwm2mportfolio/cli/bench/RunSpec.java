package io.github.lwm2mportfolio.cli.bench;

/**
 * One run of the benchmark: this many clients, this server, load and transport; {@code run} counts from 1;
 * {@code nodes} the Portfolio nodes sharing PostgreSQL and Redis, 0 for one server on its own.
 */
record RunSpec(int clients, BenchMode mode, BenchLoad load, BenchTransport transport, int run, int nodes) {

    /** A run of one server on its own. */
    RunSpec(int clients, BenchMode mode, BenchLoad load, BenchTransport transport, int run) {
        this(clients, mode, load, transport, run, 0);
    }

    ServerSetup server() {
        return new ServerSetup(mode, nodes);
    }

    /** E.g. "N=1000 flat run 2 portfolio", with " dtls" over DTLS and " 2 nodes", for progress lines and failures. */
    String describe() {
        return "N=" + clients + " " + load.id() + (transport == BenchTransport.COAP ? "" : " " + transport.id())
                + " run " + run + " " + mode.id() + (nodes == 0 ? "" : " " + nodes + (nodes == 1 ? " node" : " nodes"));
    }

    /** E.g. "1000-flat-coap-2-portfolio" ("...-portfolio-2nodes"), for the names of the run's log files. */
    String fileStem() {
        return clients + "-" + load.id() + "-" + transport.id() + "-" + run + "-" + mode.id()
                + (nodes == 0 ? "" : "-" + nodes + "nodes");
    }
}
