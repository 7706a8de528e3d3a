package io.github.lwm2mportfolio.client.registration;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The form a client registers with, per server: the configured one until that server refused it, then
 * {@link RegistrationForm#CONSERVATIVE} for as long as the client lives (kept in memory only: after a restart the
 * client tries its configured form again, once).
 */
final class ServerForms {

    private final RegistrationForm configured;
    private final Map<String, RegistrationForm> fallenBack = new ConcurrentHashMap<>();

    ServerForms(RegistrationForm configured) {
        this.configured = Objects.requireNonNull(configured, "configured");
    }

    RegistrationForm formFor(String serverUri) {
        return fallenBack.getOrDefault(serverUri, configured);
    }

    void fallBack(String serverUri) {
        fallenBack.put(serverUri, RegistrationForm.CONSERVATIVE);
    }
}
