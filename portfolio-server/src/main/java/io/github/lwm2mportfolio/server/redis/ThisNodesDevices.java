package io.github.lwm2mportfolio.server.redis;

import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.registration.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.server.collector.CollectionLeases;

/**
 * Collection by one node of several: only the devices whose registration came to one of this node's
 * endpoints (requests go out through that endpoint, and a DTLS session lives on its node), and then under
 * the device's shared lease. The shared store shows every node's registrations; the periodic collection of
 * each node thus leaves the other nodes' devices alone instead of recording them unreachable.
 */
public final class ThisNodesDevices implements CollectionLeases {

    private static final Logger LOG = LoggerFactory.getLogger(ThisNodesDevices.class);

    private final LeshanServer lwm2m;
    private final CollectionLeases shared;

    public ThisNodesDevices(LeshanServer lwm2m, CollectionLeases shared) {
        this.lwm2m = lwm2m;
        this.shared = shared;
    }

    @Override
    public <E extends Exception> boolean whileHeld(String endpoint, LeasedWork<E> work) throws E {
        Registration registration = lwm2m.getRegistrationService().getByEndpoint(endpoint);
        if (registration != null && lwm2m.getEndpoints().stream()
                .noneMatch(here -> here.getURI().equals(registration.getEndpointUri()))) {
            LOG.debug("{}: registered through another node ({}), collected there", endpoint,
                    registration.getEndpointUri());
            return false;
        }
        return shared.whileHeld(endpoint, work);
    }
}
