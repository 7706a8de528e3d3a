package io.github.lwm2mportfolio.server;

import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.peer.LwM2mPeer;
import org.eclipse.leshan.core.peer.X509Identity;
import org.eclipse.leshan.core.request.UplinkRequest;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.servers.security.Authorization;
import org.eclipse.leshan.servers.security.SecurityChecker;
import org.eclipse.leshan.servers.security.SecurityInfo;
import org.eclipse.leshan.servers.security.SecurityStore;

import io.github.lwm2mportfolio.server.inventory.Inventory;

/**
 * {@link RefusingAuthorizer}, plus: a device with no stored credential that came over DTLS with an X.509
 * certificate is accepted when the certificate's CN is its endpoint. Only installed with trust anchors: the DTLS handshake has
 * then already checked that a trusted CA issued the certificate, so that a fleet CA needs no credential per device.
 */
final class FleetCertificateAuthorizer extends RefusingAuthorizer {

    private final SecurityStore store;
    private final SecurityChecker checker = new SecurityChecker();

    FleetCertificateAuthorizer(SecurityStore store, RegistrationRefusals refusals, Inventory inventory,
            boolean oneOfSeveralNodes) {
        super(store, refusals, inventory, oneOfSeveralNodes);
        this.store = store;
    }

    @Override
    protected Authorization checkIdentity(UplinkRequest<?> request, Registration registration, LwM2mPeer sender,
            EndpointUri endpointUri) {
        String endpoint = registration.getEndpoint();
        if (sender.getIdentity() instanceof X509Identity && store.getByEndpoint(endpoint) == null) {
            return checker.checkSecurityInfo(endpoint, sender, SecurityInfo.newX509CertInfo(endpoint))
                    ? Authorization.approved()
                    : Authorization.declined();
        }
        return super.checkIdentity(request, registration, sender, endpointUri);
    }

    @Override
    protected String reason(String endpoint, LwM2mPeer sender) {
        if (sender.getIdentity() instanceof X509Identity certificate && store.getByEndpoint(endpoint) == null) {
            return "the certificate names '" + certificate.getX509CommonName() + "', not this endpoint";
        }
        return super.reason(endpoint, sender);
    }
}
