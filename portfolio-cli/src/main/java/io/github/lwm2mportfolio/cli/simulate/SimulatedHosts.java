package io.github.lwm2mportfolio.cli.simulate;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.github.lwm2mportfolio.core.model.HostIdentity;

/** The host device a simulated module sits in: the same seed and index always give the same host. */
final class SimulatedHosts {

    private record Model(String manufacturer, String model, List<String> softwareVersions) {
    }

    private static final List<Model> MODELS = List.of(
            new Model("Northwind Metering", "NW-E350", List.of("3.4.1", "3.4.2", "3.5.0")),
            new Model("Northwind Metering", "NW-W120", List.of("2.0.7", "2.1.0")),
            new Model("Contoso Vending", "CV-Snack-200", List.of("11.2", "11.3")),
            new Model("Fabrikam Automotive", "FA-TCU-9", List.of("5.18.0", "5.19.1", "6.0.0")),
            new Model("Globex Sensors", "GX-AirQ", List.of("1.9.3")),
            new Model("Initech Energy", "IE-Charger-22", List.of("0.9.1", "1.0.0")));

    private SimulatedHosts() {
    }

    /** DID4..DID7 of the host of device {@code index}. */
    static Map<HostIdentity, String> host(long seed, int index) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index);
        Model model = MODELS.get(random.nextInt(MODELS.size()));
        Map<HostIdentity, String> host = new EnumMap<>(HostIdentity.class);
        host.put(HostIdentity.UNIQUE_ID, String.format("SIM-%d-%07d", seed, index));
        host.put(HostIdentity.MANUFACTURER, model.manufacturer());
        host.put(HostIdentity.MODEL, model.model());
        host.put(HostIdentity.SOFTWARE_VERSION,
                model.softwareVersions().get(random.nextInt(model.softwareVersions().size())));
        return host;
    }
}
