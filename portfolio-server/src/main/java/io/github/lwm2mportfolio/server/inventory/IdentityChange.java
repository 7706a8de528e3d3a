package io.github.lwm2mportfolio.server.inventory;

import java.time.Instant;

/** One Identity value that changed (oldValue null: it appeared; newValue null: it went away). */
public record IdentityChange(Instant at, int instanceId, int identityId, String oldValue, String newValue) {
}
