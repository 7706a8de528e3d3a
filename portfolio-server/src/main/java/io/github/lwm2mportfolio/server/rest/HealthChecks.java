package io.github.lwm2mportfolio.server.rest;

import java.util.Map;
import java.util.Optional;

/**
 * What {@code /health/ready} checks beside the database: each check by name, empty when it passes, else the
 * reason it does not (for example LwM2M endpoints that are not bound, or a server that is stopping).
 */
@FunctionalInterface
public interface HealthChecks {

    /** No checks beyond the database. */
    HealthChecks NONE = Map::of;

    /** The checks in the order they are shown. */
    Map<String, Optional<String>> run();
}
