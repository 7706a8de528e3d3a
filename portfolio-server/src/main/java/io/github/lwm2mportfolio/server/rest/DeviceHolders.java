package io.github.lwm2mportfolio.server.rest;

import java.net.URI;
import java.util.Optional;

/**
 * Which server node talks to a device, when this server is one node of several: a device's requests leave
 * through the node its registration came to. {@link DeviceRoutes} forwards verify and Identity writes there.
 */
public interface DeviceHolders {

    /** The header of a request forwarded by another node (its name): such a request is never forwarded again. */
    String FORWARDED_BY = "X-Portfolio-Forwarded-By";
    /** The header of every answer of a node of several: the node that answered. */
    String ANSWERED_BY = "X-Portfolio-Node";

    /** A live node holding a device, and the base URI of its REST API. */
    record Holder(String node, URI restUri) {
    }

    /** This node's name. */
    String node();

    /**
     * The node to send this device's requests to; empty when this node talks to it (or none does: the device is
     * not registered, which the local answer says). Throws {@link RestApi.ApiException} when no node can serve
     * the request: 421 for a holder without a REST API or for a request that was forwarded already (one hop
     * only), 503 for a holder that is not alive.
     *
     * @param forwarded whether the request came forwarded from another node
     */
    Optional<Holder> holderOf(String endpoint, boolean forwarded);
}
