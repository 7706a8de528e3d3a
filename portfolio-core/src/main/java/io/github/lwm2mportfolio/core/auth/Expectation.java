package io.github.lwm2mportfolio.core.auth;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a server expects of one AuthData value: the device it asked, the Portfolio instance and
 * Identity, the Identity value as the device reports it, the nonce it sent and the last counter it
 * accepted from that device.
 *
 * @param nonce the nonce the server sent; null when it sent none (encrypt)
 * @param lastCounter the last counter accepted from this device, -1 when none
 * @param service the service the server asked for, or null to accept any
 */
public record Expectation(String endpoint, String instancePath, int identityId, String identityValue, byte[] nonce,
        long lastCounter, AuthService service) {

    public Expectation {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(instancePath, "instancePath");
        Objects.requireNonNull(identityValue, "identityValue");
        nonce = nonce == null ? null : nonce.clone();
    }

    /** An expectation that accepts any service. */
    public Expectation(String endpoint, String instancePath, int identityId, String identityValue, byte[] nonce,
            long lastCounter) {
        this(endpoint, instancePath, identityId, identityValue, nonce, lastCounter, null);
    }

    @Override
    public byte[] nonce() {
        return nonce == null ? null : nonce.clone();
    }

    byte[] nonceRef() {
        return nonce;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Expectation e && identityId == e.identityId && lastCounter == e.lastCounter
                && endpoint.equals(e.endpoint) && instancePath.equals(e.instancePath)
                && identityValue.equals(e.identityValue) && Arrays.equals(nonce, e.nonce) && service == e.service;
    }

    @Override
    public int hashCode() {
        return Objects.hash(endpoint, instancePath, identityId, identityValue, Arrays.hashCode(nonce), lastCounter,
                service);
    }

    @Override
    public String toString() {
        return "Expectation[endpoint=" + endpoint + ", instancePath=" + instancePath + ", identityId=" + identityId
                + ", lastCounter=" + lastCounter + ", service=" + (service == null ? "any" : service) + "]";
    }
}
