package io.github.lwm2mportfolio.client.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Everything the store holds.
 *
 * @param instances the Portfolio instances, sorted by id, ids unique; unmodifiable
 * @param counterHighWater the highest AuthData counter value that may have been handed out; every
 *     value handed out after a restart is greater than this
 */
public record StoredState(List<StoredInstance> instances, long counterHighWater) {

    private static final StoredState EMPTY = new StoredState(List.of(), 0);

    public StoredState {
        Objects.requireNonNull(instances, "instances");
        if (counterHighWater < 0) {
            throw new IllegalArgumentException("counterHighWater " + counterHighWater + " is negative");
        }
        instances = sortedUnique(instances);
    }

    /** A store that has never been written: no instances, counter not started. */
    public static StoredState empty() {
        return EMPTY;
    }

    /** The instance with this id, or {@code null}. */
    public StoredInstance instance(int id) {
        for (StoredInstance i : instances) {
            if (i.id() == id) {
                return i;
            }
        }
        return null;
    }

    static List<StoredInstance> sortedUnique(List<StoredInstance> instances) {
        List<StoredInstance> sorted = new ArrayList<>(instances.size());
        for (StoredInstance i : instances) {
            sorted.add(Objects.requireNonNull(i, "instances must not contain null"));
        }
        sorted.sort(Comparator.comparingInt(StoredInstance::id));
        for (int k = 1; k < sorted.size(); k++) {
            if (sorted.get(k).id() == sorted.get(k - 1).id()) {
                throw new IllegalArgumentException("duplicate instance id " + sorted.get(k).id());
            }
        }
        return List.copyOf(sorted);
    }
}
