package io.github.lwm2mportfolio.server.collector;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.github.lwm2mportfolio.core.model.AuthStatus;

/** Hands AuthStatus notifications (/16/n/3) to the challenge that waits for them. */
final class AuthStatusWaiters {

    private final Map<String, CompletableFuture<AuthStatus>> waiting = new ConcurrentHashMap<>();

    /** Starts waiting for DATA_AVAIL or ERROR on /16/n of a device; call before the Execute. */
    CompletableFuture<AuthStatus> expect(String endpoint, int instanceId) {
        CompletableFuture<AuthStatus> future = new CompletableFuture<>();
        waiting.put(key(endpoint, instanceId), future);
        return future;
    }

    void cancel(String endpoint, int instanceId) {
        waiting.remove(key(endpoint, instanceId));
    }

    /** A notification arrived; IDLE is what an accepted Execute reports first, so it is not an answer. */
    void notified(String endpoint, int instanceId, AuthStatus status) {
        if (status == AuthStatus.IDLE) {
            return;
        }
        CompletableFuture<AuthStatus> future = waiting.remove(key(endpoint, instanceId));
        if (future != null) {
            future.complete(status);
        }
    }

    private static String key(String endpoint, int instanceId) {
        return endpoint + "/16/" + instanceId;
    }
}
