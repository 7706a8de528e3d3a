package io.github.lwm2mportfolio.server.redis;

import java.util.concurrent.CompletableFuture;

import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.registration.Registration;

import io.github.lwm2mportfolio.server.collector.DeviceOperations;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.rest.RestApi.ApiException;

/**
 * The device operations of one node of several: a request to a device goes out through the endpoint its
 * registration came to, which only the node that received it has (and, over DTLS, only that node holds the
 * session). A device registered through another node is answered 421 with that reason, instead of being
 * recorded unreachable from here.
 */
public final class NodeLocalOperations implements DeviceOperations {

    private final DeviceOperations local;
    private final LeshanServer lwm2m;
    private final String node;

    public NodeLocalOperations(DeviceOperations local, LeshanServer lwm2m, String node) {
        this.local = local;
        this.lwm2m = lwm2m;
        this.node = node;
    }

    @Override
    public CompletableFuture<Verification> verifyNow(String endpoint) {
        ApiException elsewhere = elsewhere(endpoint);
        return elsewhere == null ? local.verifyNow(endpoint) : CompletableFuture.failedFuture(elsewhere);
    }

    @Override
    public CompletableFuture<WriteOutcome> writeIdentity(String endpoint, int instanceId, int identityId,
            String value) {
        ApiException elsewhere = elsewhere(endpoint);
        return elsewhere == null ? local.writeIdentity(endpoint, instanceId, identityId, value)
                : CompletableFuture.failedFuture(elsewhere);
    }

    /** Forgetting works from any node: it removes the shared registration. */
    @Override
    public boolean forget(String endpoint) {
        return local.forget(endpoint);
    }

    private ApiException elsewhere(String endpoint) {
        Registration registration = lwm2m.getRegistrationService().getByEndpoint(endpoint);
        String holder = registration == null ? null : RedisRegistrationStore.nodeOf(registration);
        if (registration == null || node.equals(holder)) {
            return null; // offline (the local collector says so) or registered here
        }
        return new ApiException(421, "device '" + endpoint + "' is connected through server node '" + holder
                + "' (it registered to " + registration.getEndpointUri() + "): send this request to that node");
    }
}
