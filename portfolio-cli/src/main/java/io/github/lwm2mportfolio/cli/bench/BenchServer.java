package io.github.lwm2mportfolio.cli.bench;

/** The server side of one run: serves plain CoAP on loopback and tells a {@link CompletionTracker} about devices. */
interface BenchServer extends AutoCloseable {

    /** Starts serving on a free port; returns the URI clients register at, coap://127.0.0.1:PORT. */
    String start() throws Exception;

    @Override
    void close();
}
