package io.github.lwm2mportfolio.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT (Ctrl-C) for a server that stops gracefully: the first one counts {@link #requested()}
 * down and the command stops in its own time, then returns (exit 0); a second one exits at once with
 * 128 + the signal's number (143 for SIGTERM, 130 for SIGINT), saying so. The JVM's own handling (shutdown hooks,
 * then exit 143) cannot give that: its exit code is fixed and a second signal waits for the hooks. The
 * handlers are the JDK's {@code sun.misc.Signal} (module jdk.unsupported), the one way Java has to catch a signal.
 * Closing puts the previous handlers back.
 */
final class StopSignals implements AutoCloseable {

    private static final String[] SIGNALS = { "TERM", "INT" };

    private final CountDownLatch requested = new CountDownLatch(1);
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private final PrintWriter out;
    private volatile String first;

    private StopSignals(PrintWriter out) {
        this.out = out;
    }

    static StopSignals install(PrintWriter out) {
        StopSignals signals = new StopSignals(out);
        for (String name : SIGNALS) {
            try {
                Signal signal = new Signal(name);
                signals.previous.put(signal, Signal.handle(signal, signals::received));
            } catch (IllegalArgumentException e) {
                // a signal this platform does not have, or one the JVM keeps (run with -Xrs): left as it is
            }
        }
        return signals;
    }

    private synchronized void received(Signal signal) {
        if (first == null) {
            first = "SIG" + signal.getName();
            requested.countDown();
            return;
        }
        int code = 128 + signal.getNumber();
        out.println("SIG" + signal.getName() + " again: exiting at once with " + code + ", without waiting for the "
                + "collections under way (they are not recorded)");
        out.flush();
        Runtime.getRuntime().halt(code);
    }

    /** Counted down by the first signal. */
    CountDownLatch requested() {
        return requested;
    }

    /** "SIGTERM" or "SIGINT": the first signal received, or null. */
    String first() {
        return first;
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
