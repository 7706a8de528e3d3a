package io.github.lwm2mportfolio.server.collector;

import java.time.Duration;
import java.util.Optional;

/**
 * Who may collect a device now: with several server nodes, one node at a time per device, whichever node a
 * registration or an update reached. A server alone takes {@link #LOCAL}, which always grants.
 */
public interface CollectionLeases {

    /** A server alone: its collection queue already runs one collection per device at a time. */
    CollectionLeases LOCAL = new CollectionLeases() {
        @Override
        public <E extends Exception> boolean whileHeld(String endpoint, LeasedWork<E> work) throws E {
            work.run();
            return true;
        }
    };

    /** The work done under a lease. */
    @FunctionalInterface
    interface LeasedWork<E extends Exception> {
        void run() throws E;
    }

    /**
     * Runs the work while holding this device's lease, then releases it; returns false, without running it,
     * when another node holds the lease.
     */
    <E extends Exception> boolean whileHeld(String endpoint, LeasedWork<E> work) throws E;

    /**
     * After {@link #whileHeld} refused a device: how long until this node should try it again, or empty when it
     * should not (the device is another node's to collect). A device of this node whose lease another node
     * holds, most often one that died while collecting it, is tried again when that lease has ended or expired.
     */
    default Optional<Duration> retryAfter(String endpoint) {
        return Optional.empty();
    }

    /** The node that holds the device's lease now, for a refusal's reason; null when none (or not known). */
    default String holder(String endpoint) {
        return null;
    }
}
