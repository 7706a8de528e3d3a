package io.github.lwm2mportfolio.server.inventory;

/** Checks of the arguments the inventory is given. */
final class InputChecks {

    private InputChecks() {
    }

    static void requireEndpoint(String endpoint) {
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException("an endpoint name is required");
        }
    }

    static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
