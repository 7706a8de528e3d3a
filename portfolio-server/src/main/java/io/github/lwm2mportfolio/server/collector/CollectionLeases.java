package io.github.lwm2mportfolio.server.collector;

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

    /** The node that holds the device's lease now, for a refusal's reason; null when none (or not known). */
    default String holder(String endpoint) {
        return null;
    }
}
