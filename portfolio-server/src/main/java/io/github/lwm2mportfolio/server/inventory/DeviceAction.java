package io.github.lwm2mportfolio.server.inventory;

import java.time.Instant;

/**
 * Something an operator did to a device, part of its history.
 *
 * @param action e.g. {@value #RE_ENROLMENT}
 * @param actor the name of the API token that asked for it
 * @param detail what it changed, in words
 */
public record DeviceAction(Instant at, String action, String actor, String detail) {

    /** The device's AuthData counter was reset, so that a device whose store was lost verifies again. */
    public static final String RE_ENROLMENT = "RE_ENROLMENT";
}
