package io.github.lwm2mportfolio.core.auth;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.crypto.SecretKey;

/**
 * Keys derived per endpoint, kept so that a device's key is derived once rather than on every AuthData
 * check (HKDF costs more than the HMAC or AES-GCM of a whole AuthData value). Thread-safe; holds about
 * {@code capacity} keys at most: past it an arbitrary one is dropped, to be derived again when needed.
 */
final class DeviceKeyCache {

    private final int capacity;
    private final Function<String, SecretKey> derive;
    private final Map<String, SecretKey> keys = new ConcurrentHashMap<>();

    DeviceKeyCache(int capacity, Function<String, SecretKey> derive) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be 1 or more, got " + capacity);
        }
        this.capacity = capacity;
        this.derive = derive;
    }

    /** The key of this endpoint: the same key object for as long as it stays in the cache. */
    SecretKey key(String endpoint) {
        SecretKey key = keys.get(endpoint);
        if (key != null) {
            return key;
        }
        // derived outside the map's lock; two threads deriving at once make equal keys, and one is kept
        SecretKey derived = derive.apply(endpoint);
        key = keys.putIfAbsent(endpoint, derived);
        if (key != null) {
            return key;
        }
        dropBeyondCapacity(endpoint);
        return derived;
    }

    int size() {
        return keys.size();
    }

    private void dropBeyondCapacity(String kept) {
        Iterator<String> endpoints = keys.keySet().iterator();
        while (keys.size() > capacity && endpoints.hasNext()) {
            String endpoint = endpoints.next();
            if (!endpoint.equals(kept)) {
                endpoints.remove();
            }
        }
    }
}
