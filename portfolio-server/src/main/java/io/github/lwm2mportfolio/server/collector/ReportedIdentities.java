package io.github.lwm2mportfolio.server.collector;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Identity values each registered device last reported per Portfolio instance, as collected or notified: a
 * notification that repeats them costs no database work.
 */
final class ReportedIdentities {

    private final Map<String, Map<Integer, SortedMap<Integer, String>>> byEndpoint = new ConcurrentHashMap<>();

    void put(String endpoint, int instanceId, Map<Integer, String> values) {
        byEndpoint.computeIfAbsent(endpoint, e -> new ConcurrentHashMap<>()).put(instanceId, new TreeMap<>(values));
    }

    /** Whether these values differ from the last reported ones (true when none are known). */
    boolean changes(String endpoint, int instanceId, Map<Integer, String> values) {
        Map<Integer, SortedMap<Integer, String>> instances = byEndpoint.get(endpoint);
        SortedMap<Integer, String> known = instances == null ? null : instances.get(instanceId);
        return known == null || !known.equals(values);
    }

    /** The device registered again or left: what it reported before is not trusted to be current. */
    void forget(String endpoint) {
        byEndpoint.remove(endpoint);
    }
}
