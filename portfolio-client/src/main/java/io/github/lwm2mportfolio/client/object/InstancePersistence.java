package io.github.lwm2mportfolio.client.object;

import java.util.Collection;

/** Where the object keeps its durable part (owners, locks, Identity values). */
@FunctionalInterface
public interface InstancePersistence {

    /** Saves all instances atomically and durably; throws when that could not be done. */
    void save(Collection<PortfolioInstance> instances) throws Exception;
}
