package io.github.lwm2mportfolio.server.rest;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import io.github.lwm2mportfolio.server.collector.DeviceOperations;
import io.github.lwm2mportfolio.server.inventory.Verification;

/**
 * One challenge in flight per device: verify calls that come while one runs share its verdict rather than start
 * a challenge each (thirty parallel calls once ran thirty challenges on one device).
 */
final class SharedVerifications {

    private final DeviceOperations devices;
    private final Duration limit;
    private final ConcurrentMap<String, CompletableFuture<Verification>> inFlight = new ConcurrentHashMap<>();

    /** @param limit how long a challenge stays shared at most, should its device never answer */
    SharedVerifications(DeviceOperations devices, Duration limit) {
        this.devices = devices;
        this.limit = limit;
    }

    /** The device's challenge in flight, or a new one; it is forgotten when it ends. */
    CompletableFuture<Verification> verify(String endpoint) {
        CompletableFuture<Verification> started = new CompletableFuture<>();
        CompletableFuture<Verification> running = inFlight.putIfAbsent(endpoint, started);
        if (running != null) {
            return running;
        }
        try {
            devices.verifyNow(endpoint).orTimeout(limit.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((verdict, failure) -> {
                        inFlight.remove(endpoint, started);
                        if (failure != null) {
                            started.completeExceptionally(failure);
                        } else {
                            started.complete(verdict);
                        }
                    });
        } catch (RuntimeException e) {
            inFlight.remove(endpoint, started);
            started.completeExceptionally(e);
        }
        return started;
    }
}
