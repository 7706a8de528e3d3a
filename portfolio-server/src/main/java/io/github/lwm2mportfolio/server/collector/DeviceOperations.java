package io.github.lwm2mportfolio.server.collector;

import java.util.concurrent.CompletableFuture;

import io.github.lwm2mportfolio.server.inventory.Verification;

/**
 * What the REST API asks of the devices through the collector. Futures fail with
 * {@link DeviceOfflineException} when the device is not registered, with
 * {@link java.util.concurrent.TimeoutException} when it did not answer in time, and (verify) with
 * {@link CollectorBusyException} when the collector holds as many verifications as it takes, with
 * {@link CollectionUnderwayException} when a collection of the device runs now (its lease is taken).
 */
public interface DeviceOperations {

    /** Runs the GetAuthData challenge now; completes with the verdict, already recorded in the inventory. */
    CompletableFuture<Verification> verifyNow(String endpoint);

    /** Writes one Identity value on the device (/16/n/0/i); completes with the device's answer. */
    CompletableFuture<WriteOutcome> writeIdentity(String endpoint, int instanceId, int identityId, String value);

    /**
     * Forgets the device's registration, if it has one, as if it had deregistered (but silently: nothing is
     * written to the inventory); the device is refused at its next update and registers again. True when it was
     * registered. Implementations that hold no registrations keep the default.
     */
    default boolean forget(String endpoint) {
        return false;
    }

    /**
     * The device's answer to a Write.
     *
     * @param code the CoAP code as LwM2M names it, e.g. "CHANGED", "UNAUTHORIZED", "BAD_REQUEST"
     * @param errorMessage the device's reason, null when it gave none
     */
    record WriteOutcome(String code, boolean success, String errorMessage) {
    }

    /** The device is not registered now. */
    final class DeviceOfflineException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public DeviceOfflineException(String endpoint) {
            super("device " + endpoint + " is not registered");
        }
    }
}
