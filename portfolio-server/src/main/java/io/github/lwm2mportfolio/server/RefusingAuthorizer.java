package io.github.lwm2mportfolio.server;

import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.peer.LwM2mPeer;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.eclipse.leshan.core.request.UplinkRequest;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.security.DefaultAuthorizer;
import org.eclipse.leshan.servers.security.Authorization;
import org.eclipse.leshan.servers.security.SecurityStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.server.inventory.Inventory;

/**
 * Leshan's authorizer (a device whose endpoint has credentials in the security store must come over DTLS with
 * exactly those; one without any must not present a DTLS identity), which also says why it refused, for the
 * 4.03 the device gets ({@link RegistrationRefusals}), and logs the refusal. An approved Register over CoAPS is
 * remembered in the inventory, so that the endpoint is refused over plain CoAP from then on.
 * <p>
 * On one node of several, an Update or a De-register over plain CoAP may come through another node's endpoint
 * than the one the registration came to (the load balancer moved the device): it is accepted, and the registration
 * store sees to the rest (see {@link io.github.lwm2mportfolio.server.redis.RedisRegistrationStore#updateRegistration}).
 * Over DTLS it is refused as Leshan does: the session that the registration's node holds is not the one the request
 * came through, so the device registers again where its new session is.
 */
class RefusingAuthorizer extends DefaultAuthorizer {

    private static final Logger LOG = LoggerFactory.getLogger(RefusingAuthorizer.class);

    private final SecurityStore store;
    private final RegistrationRefusals refusals;
    private final Inventory inventory;
    private final boolean oneOfSeveralNodes;

    RefusingAuthorizer(SecurityStore store, RegistrationRefusals refusals, Inventory inventory,
            boolean oneOfSeveralNodes) {
        super(store);
        this.store = store;
        this.refusals = refusals;
        this.inventory = inventory;
        this.oneOfSeveralNodes = oneOfSeveralNodes;
    }

    /** Leshan's check (the endpoint the registration came to), or on one node of several plain CoAP on both. */
    @Override
    protected boolean checkEndpointUri(UplinkRequest<?> request, Registration registration, LwM2mPeer sender,
            EndpointUri endpointUri) {
        if (oneOfSeveralNodes && !(request instanceof RegisterRequest) && "coap".equals(endpointUri.getScheme())) {
            return "coap".equals(registration.getEndpointUri().getScheme());
        }
        return super.checkEndpointUri(request, registration, sender, endpointUri);
    }

    @Override
    public Authorization isAuthorized(UplinkRequest<?> request, Registration registration, LwM2mPeer sender,
            EndpointUri endpointUri) {
        String endpoint = registration.getEndpoint();
        try {
            Authorization authorization = super.isAuthorized(request, registration, sender, endpointUri);
            if (authorization.isDeclined()) {
                refused(endpoint, sender, throughAnotherEndpoint(request, registration, endpointUri)
                        ? "it registered through " + registration.getEndpointUri() + ", which holds its DTLS session"
                        : reason(endpoint, sender), "");
            } else if (request instanceof RegisterRequest && sender.getIdentity().isSecure()) {
                inventory.registeredOverDtls(endpoint);
            }
            return authorization;
        } catch (RuntimeException e) {
            // the gate answers 5.03 when the inventory is down; this only meets one that went down since
            refused(endpoint, sender, "the inventory is unavailable; try again later", " (" + e.getMessage() + ")");
            return Authorization.declined();
        }
    }

    /** Leshan takes a device's requests after its Register only through the endpoint it registered to. */
    private static boolean throughAnotherEndpoint(UplinkRequest<?> request, Registration registration,
            EndpointUri endpointUri) {
        return !(request instanceof RegisterRequest) && registration.getEndpointUri() != null
                && !registration.getEndpointUri().equals(endpointUri);
    }

    /** Gives the device the reason and logs it, with a detail the device is not told. */
    private void refused(String endpoint, LwM2mPeer sender, String reason, String detail) {
        Object from = sender;
        if (sender instanceof IpPeer peer) {
            refusals.refused(peer.getSocketAddress(), reason);
            from = peer.getSocketAddress();
        }
        LOG.warn("registration of {} from {} refused (4.03): {}{}", endpoint, from, reason, detail);
    }

    /** Why the authorizer declined a request from this sender. */
    protected String reason(String endpoint, LwM2mPeer sender) {
        boolean hasCredentials = store.getByEndpoint(endpoint) != null;
        if (hasCredentials && !sender.getIdentity().isSecure()) {
            return "endpoint has DTLS credentials: register over CoAPS with them";
        }
        if (hasCredentials) {
            return "the DTLS identity is not the one stored for this endpoint";
        }
        return sender.getIdentity().isSecure() ? "no DTLS credentials are stored for this endpoint"
                : "refused";
    }
}
