package io.github.lwm2mportfolio.server.inventory;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One Portfolio instance as a collection read it.
 *
 * @param linkedFromDevice whether /3/0/22 links to it (16:n)
 */
public record PortfolioSnapshot(int instanceId, SortedMap<Integer, String> identities, boolean linkedFromDevice) {

    public PortfolioSnapshot {
        identities = Collections.unmodifiableSortedMap(new TreeMap<>(identities));
    }
}
