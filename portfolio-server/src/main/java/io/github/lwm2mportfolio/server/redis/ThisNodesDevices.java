package io.github.lwm2mportfolio.server.redis;

import java.time.Duration;
import java.util.Optional;

import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.registration.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.server.collector.CollectionLeases;

/**
 * Collection by one node of several: only the devices whose registration came to this node (requests go out
 * through the endpoint that received it, and a DTLS session lives on its node), and then under
 * the device's shared lease. The shared store shows every node's registrations; the periodic collection of
 * each node thus leaves the other nodes' devices alone instead of recording them unreachable.
 */
public final class ThisNodesDevices implements CollectionLeases {

    private static final Logger LOG = LoggerFactory.getLogger(ThisNodesDevices.class);

    private final LeshanServer lwm2m;
    private final CollectionLeases shared;
    private final String node;

    public ThisNodesDevices(LeshanServer lwm2m, CollectionLeases shared, String node) {
        this.lwm2m = lwm2m;
        this.shared = shared;
        this.node = node;
    }

    @Override
    public <E extends Exception> boolean whileHeld(String endpoint, LeasedWork<E> work) throws E {
        Registration registration = lwm2m.getRegistrationService().getByEndpoint(endpoint);
        if (registration != null && !isThisNodes(registration)) {
            LOG.debug("{}: registered through node {}, collected there", endpoint,
                    RedisRegistrationStore.nodeOf(registration));
            return false;
        }
        return shared.whileHeld(endpoint, work);
    }

    @Override
    public String holder(String endpoint) {
        return shared.holder(endpoint);
    }

    /** A device of this node whose lease was busy is tried again when the lease ends; another node's, never. */
    @Override
    public Optional<Duration> retryAfter(String endpoint) {
        Registration registration = lwm2m.getRegistrationService().getByEndpoint(endpoint);
        return registration != null && isThisNodes(registration) ? shared.retryAfter(endpoint) : Optional.empty();
    }

    private boolean isThisNodes(Registration registration) {
        return node.equals(RedisRegistrationStore.nodeOf(registration));
    }
}
