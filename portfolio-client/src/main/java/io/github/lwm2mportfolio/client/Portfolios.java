package io.github.lwm2mportfolio.client;

import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.SortedMap;

import io.github.lwm2mportfolio.client.object.PortfolioInstance;
import io.github.lwm2mportfolio.client.object.PortfolioObjectEnabler;

/**
 * The host application's view of the Portfolio instances. Changes are saved before they return and are
 * reported to observing servers; a lock does not stop the host, only servers.
 * <p>
 * Errors: {@link IllegalArgumentException} for a limit or a bad value, {@link NoSuchElementException} for
 * an unknown instance, {@link IllegalStateException} when the store could not be written (nothing changed).
 */
public final class Portfolios {

    private final PortfolioObjectEnabler object;

    Portfolios(PortfolioObjectEnabler object) {
        this.object = object;
    }

    /**
     * Creates an instance that extends the given owner object instance.
     *
     * @param owner "objectId/instanceId", e.g. "3/0" for the Device (linked from /3/0/22)
     * @return the new instance ID
     */
    public int create(String owner, Map<Integer, String> identities, boolean locked) {
        if (owner == null || !owner.matches("\\d{1,5}/\\d{1,5}")) {
            throw new IllegalArgumentException("owner must be 'objectId/instanceId', got '" + owner + "'");
        }
        return object.createLocal(owner, locked, identities);
    }

    public void remove(int instanceId) {
        object.removeLocal(instanceId);
    }

    public void lock(int instanceId) {
        object.setLockedLocal(instanceId, true);
    }

    public void unlock(int instanceId) {
        object.setLockedLocal(instanceId, false);
    }

    public void setIdentity(int instanceId, int identityId, String value) {
        if (value == null) {
            throw new IllegalArgumentException("an Identity value cannot be null; use removeIdentity");
        }
        object.setIdentityLocal(instanceId, identityId, value);
    }

    public void removeIdentity(int instanceId, int identityId) {
        object.setIdentityLocal(instanceId, identityId, null);
    }

    public Optional<PortfolioInstance> get(int instanceId) {
        return object.instance(instanceId);
    }

    public SortedMap<Integer, PortfolioInstance> all() {
        return object.instances();
    }
}
