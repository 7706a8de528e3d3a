package io.github.lwm2mportfolio.server;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;

import org.eclipse.leshan.core.peer.OscoreIdentity;
import org.eclipse.leshan.servers.security.SecurityInfo;
import org.eclipse.leshan.servers.security.SecurityStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.server.inventory.DeviceCredential;
import io.github.lwm2mportfolio.server.inventory.Inventory;

/** Device DTLS credentials kept in the inventory's database, as Leshan's server looks them up. */
final class InventorySecurityStore implements SecurityStore {

    private static final Logger LOG = LoggerFactory.getLogger(InventorySecurityStore.class);

    private final Inventory inventory;

    InventorySecurityStore(Inventory inventory) {
        this.inventory = inventory;
    }

    @Override
    public SecurityInfo getByEndpoint(String endpoint) {
        return inventory.credential(endpoint).map(InventorySecurityStore::toSecurityInfo).orElse(null);
    }

    @Override
    public SecurityInfo getByIdentity(String pskIdentity) {
        return inventory.credentialByPskIdentity(pskIdentity).map(InventorySecurityStore::toSecurityInfo)
                .orElse(null);
    }

    @Override
    public SecurityInfo getByOscoreIdentity(OscoreIdentity oscoreIdentity) {
        return null; // OSCORE is not served here
    }

    private static SecurityInfo toSecurityInfo(DeviceCredential credential) {
        switch (credential.kind()) {
        case PSK:
            return SecurityInfo.newPreSharedKeyInfo(credential.endpoint(), credential.pskIdentity(),
                    credential.secret());
        case RPK:
            try {
                PublicKey key = KeyFactory.getInstance("EC")
                        .generatePublic(new X509EncodedKeySpec(credential.secret()));
                return SecurityInfo.newRawPublicKeyInfo(credential.endpoint(), key);
            } catch (Exception e) {
                LOG.warn("the RPK credential of {} is not a usable EC public key: {}", credential.endpoint(),
                        e.getMessage());
                return null;
            }
        default:
            return SecurityInfo.newX509CertInfo(credential.endpoint());
        }
    }
}
