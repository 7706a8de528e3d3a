package io.github.lwm2mportfolio.server.redis;

import java.util.Optional;

import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.registration.Registration;

import io.github.lwm2mportfolio.server.rest.DeviceHolders;
import io.github.lwm2mportfolio.server.rest.RestApi.ApiException;

/**
 * Which node talks to a device: the one its registration came to ({@link RedisRegistrationStore#nodeOf}), which
 * alone has the endpoint that received it and, over DTLS, the session. Its REST API is the one it announces
 * ({@link ClusterNodes}).
 */
public final class RegistrationHolders implements DeviceHolders {

    private final LeshanServer lwm2m;
    private final ClusterNodes nodes;

    public RegistrationHolders(LeshanServer lwm2m, ClusterNodes nodes) {
        this.lwm2m = lwm2m;
        this.nodes = nodes;
    }

    @Override
    public String node() {
        return nodes.name();
    }

    @Override
    public Optional<Holder> holderOf(String endpoint, boolean forwarded) {
        Registration registration = lwm2m.getRegistrationService().getByEndpoint(endpoint);
        String holder = registration == null ? null : RedisRegistrationStore.nodeOf(registration);
        if (holder == null || holder.equals(nodes.name())) {
            return Optional.empty(); // offline (the local answer says so) or registered here
        }
        if (forwarded) {
            throw new ApiException(421, "device '" + endpoint + "' is connected through server node '" + holder
                    + "', not through node '" + nodes.name() + "', to which this request was forwarded: it is not "
                    + "forwarded again (the device may have registered again meanwhile); send it to node '" + holder
                    + "'");
        }
        ClusterNodes.Node node = nodes.alive(holder).orElseThrow(() -> new ApiException(503, "device '" + endpoint
                + "' is connected through server node '" + holder + "', which is not answering (its announcement "
                + "in Redis expired or was withdrawn): the device is collected again when it registers through a "
                + "live node"));
        if (node.restUri() == null) {
            throw new ApiException(421, "device '" + endpoint + "' is connected through server node '" + holder
                    + "' (it registered to " + registration.getEndpointUri() + "), which serves no REST API: this "
                    + "node cannot reach the device");
        }
        return Optional.of(new Holder(holder, node.restUri()));
    }
}
