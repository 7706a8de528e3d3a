package io.github.lwm2mportfolio.server.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compliance changes of the transaction running on this thread, given to the listeners only once it
 * committed: a transaction that is run again or rolled back tells nothing.
 */
final class ComplianceChanges {

    private static final Logger LOG = LoggerFactory.getLogger(ComplianceChanges.class);

    private final CopyOnWriteArrayList<Consumer<ComplianceChange>> listeners = new CopyOnWriteArrayList<>();
    private final ThreadLocal<List<ComplianceChange>> pending = ThreadLocal.withInitial(ArrayList::new);

    void addListener(Consumer<ComplianceChange> listener) {
        listeners.add(listener);
    }

    /** Noted for the end of the transaction (nothing is kept when no one listens). */
    void changed(ComplianceChange change) {
        if (!listeners.isEmpty()) {
            pending.get().add(change);
        }
    }

    /** The transaction committed: tells its changes. */
    void committed() {
        List<ComplianceChange> changes = pending.get();
        pending.remove();
        for (ComplianceChange change : changes) {
            for (Consumer<ComplianceChange> listener : listeners) {
                try {
                    listener.accept(change);
                } catch (RuntimeException e) {
                    LOG.warn("a compliance listener failed on {}: {}", change.endpoint(), e.toString());
                }
            }
        }
    }

    /** The transaction ended without committing (or is tried again): forgets its changes. */
    void discarded() {
        pending.remove();
    }
}
