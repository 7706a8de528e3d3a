package io.github.lwm2mportfolio.server;

import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.peer.LwM2mPeer;
import org.eclipse.leshan.core.request.UplinkRequest;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.security.DefaultAuthorizer;
import org.eclipse.leshan.servers.security.Authorization;
import org.eclipse.leshan.servers.security.SecurityStore;

/**
 * Leshan's authorizer (a device whose endpoint has credentials in the security store must come over DTLS with
 * exactly those; one without any must not present a DTLS identity), which also says why it refused, for the
 * 4.03 the device gets ({@link RegistrationRefusals}).
 */
class RefusingAuthorizer extends DefaultAuthorizer {

    private final SecurityStore store;
    private final RegistrationRefusals refusals;

    RefusingAuthorizer(SecurityStore store, RegistrationRefusals refusals) {
        super(store);
        this.store = store;
        this.refusals = refusals;
    }

    @Override
    public Authorization isAuthorized(UplinkRequest<?> request, Registration registration, LwM2mPeer sender,
            EndpointUri endpointUri) {
        Authorization authorization = super.isAuthorized(request, registration, sender, endpointUri);
        if (authorization.isDeclined() && sender instanceof IpPeer peer) {
            refusals.refused(peer.getSocketAddress(), reason(registration.getEndpoint(), sender));
        }
        return authorization;
    }

    private String reason(String endpoint, LwM2mPeer sender) {
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
