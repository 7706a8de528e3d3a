package io.github.lwm2mportfolio.server.inventory;

import java.time.Instant;

/**
 * Who last changed the certification list.
 *
 * @param changedBy e.g. "file certified.csv" or "token 'admin'"; null when not recorded (a list written by an
 *        older version, or by code)
 * @param throughApi whether the change came through the REST API (a start-up file does not overwrite it then)
 */
public record CertificationSource(Instant at, String changedBy, boolean throughApi) {
}
