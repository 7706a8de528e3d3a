package io.github.lwm2mportfolio.cli.simulate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a simulated fleet has done so far, as its clients see it, and, when the simulator follows the server's
 * events, what the server made of it. Counts are of distinct devices, so retries and re-collections do not inflate
 * them.
 */
final class FleetProgress {

    private final int clients;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final Set<String> registrationFailed = ConcurrentHashMap.newKeySet();
    private final Set<String> fellBack = ConcurrentHashMap.newKeySet();
    private final Set<String> challenged = ConcurrentHashMap.newKeySet();
    private final Set<String> authDataRead = ConcurrentHashMap.newKeySet();
    private final Set<String> authFailed = ConcurrentHashMap.newKeySet();
    private final Set<String> serverCollected = ConcurrentHashMap.newKeySet();
    private final Set<String> serverVerified = ConcurrentHashMap.newKeySet();
    private final Set<String> serverFailed = ConcurrentHashMap.newKeySet();
    private final LongAdder deregistered = new LongAdder();
    private volatile boolean followingServer;

    FleetProgress(int clients) {
        this.clients = clients;
    }

    void registered(String endpoint) {
        registered.add(endpoint);
        registrationFailed.remove(endpoint);
    }

    void registrationFailed(String endpoint) {
        if (!registered.contains(endpoint)) {
            registrationFailed.add(endpoint);
        }
    }

    /** Registered in the fallback form (LwM2M 1.0) after the server refused the configured one. */
    void fellBack(String endpoint) {
        fellBack.add(endpoint);
    }

    void deregistered() {
        deregistered.increment();
    }

    void challenged(String endpoint) {
        challenged.add(endpoint);
    }

    void authDataRead(String endpoint) {
        authDataRead.add(endpoint);
    }

    void authFailed(String endpoint) {
        authFailed.add(endpoint);
    }

    void followingServer() {
        followingServer = true;
    }

    void serverCollected(String endpoint) {
        serverCollected.add(endpoint);
    }

    /** A verdict of the server: the last one of a device counts. */
    void serverVerdict(String endpoint, boolean verified) {
        (verified ? serverVerified : serverFailed).add(endpoint);
        (verified ? serverFailed : serverVerified).remove(endpoint);
    }

    int registeredCount() {
        return registered.size();
    }

    int authDataReadCount() {
        return authDataRead.size();
    }

    long deregisteredCount() {
        return deregistered.sum();
    }

    /** One line: what the clients saw, then what the server said (when followed). */
    String line() {
        StringBuilder line = new StringBuilder().append("registered ").append(registered.size()).append('/')
                .append(clients);
        if (!fellBack.isEmpty()) {
            line.append(" (").append(fellBack.size()).append(" fell back to LwM2M 1.0)");
        }
        line.append(" | challenged ").append(challenged.size()).append(" | AuthData read ")
                .append(authDataRead.size());
        if (followingServer) {
            line.append(" | server: collected ").append(serverCollected.size()).append(" verified ")
                    .append(serverVerified.size());
        }
        line.append(" | failed ").append(failedCount());
        return line.toString();
    }

    int failedCount() {
        Set<String> failed = ConcurrentHashMap.newKeySet();
        failed.addAll(registrationFailed);
        failed.addAll(authFailed);
        failed.addAll(serverFailed);
        return failed.size();
    }

    /** The counts, for the stats file. */
    Map<String, Object> counts() {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("registered", registered.size());
        counts.put("registrationFailed", registrationFailed.size());
        counts.put("fellBackToLwm2m10", fellBack.size());
        counts.put("challenged", challenged.size());
        counts.put("authDataRead", authDataRead.size());
        counts.put("authFailed", authFailed.size());
        if (followingServer) {
            counts.put("serverCollected", serverCollected.size());
            counts.put("serverVerified", serverVerified.size());
            counts.put("serverFailed", serverFailed.size());
        }
        counts.put("failed", failedCount());
        counts.put("deregistered", deregistered.sum());
        return counts;
    }
}
