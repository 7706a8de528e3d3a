package io.github.lwm2mportfolio.client;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.github.lwm2mportfolio.client.object.PortfolioInstance;
import io.github.lwm2mportfolio.client.object.PortfolioObjectEnabler;
import io.github.lwm2mportfolio.core.model.HostIdentity;

/**
 * The host device's identities (GSMA DID4..DID7) in the Portfolio instance that extends /3/0. That instance
 * is the lowest-numbered one owned by the Device; it is created, locked against server changes, on first use.
 */
public final class HostDevice {

    private final Portfolios portfolios;
    private final PortfolioObjectEnabler object;

    HostDevice(Portfolios portfolios, PortfolioObjectEnabler object) {
        this.portfolios = portfolios;
        this.object = object;
    }

    /** The ID of the host-device Portfolio instance, created (locked) when there is none. */
    public synchronized int instanceId() {
        return object.instancesOwnedBy(PortfolioObjectEnabler.DEFAULT_OWNER).stream().findFirst()
                .orElseGet(() -> portfolios.create(PortfolioObjectEnabler.DEFAULT_OWNER, Map.of(), true));
    }

    public HostDevice set(HostIdentity identity, String value) {
        int id = instanceId();
        String current = portfolios.get(id).map(i -> i.identities().get(identity.instanceId())).orElse(null);
        if (!value.equals(current)) {
            portfolios.setIdentity(id, identity.instanceId(), value);
        }
        return this;
    }

    /**
     * Sets several identities at once: a host instance that does not exist yet is created with them in one store
     * write (what a client does at its first start).
     */
    public synchronized HostDevice setAll(Map<HostIdentity, String> values) {
        if (object.instancesOwnedBy(PortfolioObjectEnabler.DEFAULT_OWNER).isEmpty()) {
            Map<Integer, String> identities = new TreeMap<>();
            values.forEach((identity, value) -> identities.put(identity.instanceId(), value));
            portfolios.create(PortfolioObjectEnabler.DEFAULT_OWNER, identities, true);
        } else {
            values.forEach(this::set);
        }
        return this;
    }

    public Optional<String> get(HostIdentity identity) {
        return portfolios.get(instanceId()).map(PortfolioInstance::identities)
                .map(values -> values.get(identity.instanceId()));
    }

    public HostDevice setUniqueId(String value) {
        return set(HostIdentity.UNIQUE_ID, value);
    }

    public HostDevice setManufacturer(String value) {
        return set(HostIdentity.MANUFACTURER, value);
    }

    public HostDevice setModel(String value) {
        return set(HostIdentity.MODEL, value);
    }

    /** DID6: call it whenever the host's software changes; observing servers are told. */
    public HostDevice setSoftwareVersion(String value) {
        return set(HostIdentity.SOFTWARE_VERSION, value);
    }
}
