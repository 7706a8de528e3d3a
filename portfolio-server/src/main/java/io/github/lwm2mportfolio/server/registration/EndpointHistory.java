package io.github.lwm2mportfolio.server.registration;

/** What the {@link RegistrationGate} asks about the endpoint of a Register. */
public interface EndpointHistory {

    /** Whether the endpoint is registered now (its Register replaces its own registration). */
    boolean registeredNow(String endpoint);

    /**
     * Whether the endpoint is registered over CoAPS now or registered over CoAPS before (until the device was
     * removed). Throws when the inventory cannot answer.
     */
    boolean securedBefore(String endpoint);
}
