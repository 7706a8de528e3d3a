package io.github.lwm2mportfolio.server;

import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationService;

import io.github.lwm2mportfolio.server.inventory.Inventory;
import io.github.lwm2mportfolio.server.registration.EndpointHistory;

/** An endpoint's registration now (Leshan's) and whether it ever registered over CoAPS (the inventory's). */
final class RegistrationHistory implements EndpointHistory {

    private final RegistrationService registrations;
    private final Inventory inventory;

    RegistrationHistory(RegistrationService registrations, Inventory inventory) {
        this.registrations = registrations;
        this.inventory = inventory;
    }

    @Override
    public boolean registeredNow(String endpoint) {
        return registrations.getByEndpoint(endpoint) != null;
    }

    @Override
    public boolean securedBefore(String endpoint) {
        Registration now = registrations.getByEndpoint(endpoint);
        boolean secureNow = now != null && now.getClientTransportData() instanceof IpPeer peer && peer.isSecure();
        // the inventory is asked even when the answer is known, so that an unavailable one is found out here
        return inventory.hasRegisteredOverDtls(endpoint) || secureNow;
    }
}
