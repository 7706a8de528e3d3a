package io.github.lwm2mportfolio.client.object;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

import io.github.lwm2mportfolio.core.model.AuthStatus;

/**
 * One Portfolio instance as the client holds it. Immutable: every change makes a new value, so readers
 * never see a half-made change and two instances never share their maps.
 *
 * @param owner the object instance this one extends, as "objectId/instanceId" (e.g. "3/0")
 * @param authGeneration counts GetAuthData executions, so that a slow result of an older one is dropped
 */
public record PortfolioInstance(int id, String owner, boolean locked, SortedMap<Integer, String> identities,
        AuthStatus authStatus, SortedMap<Integer, byte[]> authData, long authGeneration) {

    public PortfolioInstance {
        identities = Collections.unmodifiableSortedMap(new TreeMap<>(identities));
        authData = Collections.unmodifiableSortedMap(new TreeMap<>(authData));
    }

    static PortfolioInstance created(int id, String owner, boolean locked, SortedMap<Integer, String> identities) {
        return new PortfolioInstance(id, owner, locked, identities, AuthStatus.IDLE, new TreeMap<>(), 0);
    }

    PortfolioInstance withIdentities(SortedMap<Integer, String> newIdentities) {
        return new PortfolioInstance(id, owner, locked, newIdentities, authStatus, authData, authGeneration);
    }

    PortfolioInstance withLocked(boolean newLocked) {
        return new PortfolioInstance(id, owner, newLocked, identities, authStatus, authData, authGeneration);
    }

    /** The state right after an accepted GetAuthData: no data, IDLE, a new generation. */
    PortfolioInstance authStarted() {
        return new PortfolioInstance(id, owner, locked, identities, AuthStatus.IDLE, new TreeMap<>(),
                authGeneration + 1);
    }

    PortfolioInstance withAuthResult(AuthStatus status, SortedMap<Integer, byte[]> data) {
        return new PortfolioInstance(id, owner, locked, identities, status, data, authGeneration);
    }

    /** AuthData is single use: once returned to a server it is gone. */
    PortfolioInstance authConsumed() {
        return new PortfolioInstance(id, owner, locked, identities, AuthStatus.IDLE, new TreeMap<>(),
                authGeneration);
    }
}
