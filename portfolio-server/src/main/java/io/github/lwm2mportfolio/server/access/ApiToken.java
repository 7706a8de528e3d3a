package io.github.lwm2mportfolio.server.access;

import java.time.Instant;

/** An API token as it is listed: its name, role and creation; never the token itself. */
public record ApiToken(String name, Role role, Instant createdAt) {
}
