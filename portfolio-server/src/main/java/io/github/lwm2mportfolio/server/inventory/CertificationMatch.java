package io.github.lwm2mportfolio.server.inventory;

import java.util.List;

/**
 * How many devices report a certified host exactly (after trimming, as compliance compares), with the first few
 * of them by endpoint.
 */
public record CertificationMatch(String manufacturer, String model, String softwareVersion, long devices,
        List<String> firstEndpoints) {

    public CertificationMatch {
        firstEndpoints = List.copyOf(firstEndpoints);
    }
}
