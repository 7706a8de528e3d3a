package io.github.lwm2mportfolio.cli;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.core.keys.KeyStorePasswords;
import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import io.github.lwm2mportfolio.server.ServerKeys;
import io.github.lwm2mportfolio.server.compliance.Certification;

/**
 * The demo's simulated devices: modules in varied, realistic host devices. Most are certified and sign their
 * AuthData; some hosts are not certified; some modules offer Identity only; one signs with a key the server
 * does not trust; one never learnt its host's identity.
 */
final class DemoFleet implements AutoCloseable {

    /** What one simulated device is like. */
    enum Kind {
        CERTIFIED_SIGNING, UNCERTIFIED_HOST, IDENTITY_ONLY, UNTRUSTED_KEY, NO_HOST_IDENTITY
    }

    record Host(String manufacturer, String model, String softwareVersion) {
    }

    private static final List<Host> CERTIFIED_HOSTS = List.of(
            new Host("Northwind Metering", "NW-E350", "3.4.1"),
            new Host("Northwind Metering", "NW-W120", "2.0.7"),
            new Host("Contoso Vending", "CV-Snack-200", "11.2"),
            new Host("Fabrikam Automotive", "FA-TCU-9", "5.18.0"),
            new Host("Globex Sensors", "GX-AirQ", "1.9.3"));
    private static final List<Host> UNCERTIFIED_HOSTS = List.of(
            new Host("Northwind Metering", "NW-E350", "3.5.0-beta"),
            new Host("Initech Energy", "IE-Charger-22", "0.9.1"));

    private final List<PortfolioClient> clients = new ArrayList<>();
    private final List<String> endpoints = new ArrayList<>();

    static Kind kindOf(int index, int size) {
        if (size >= 10 && index == size - 1) {
            return Kind.NO_HOST_IDENTITY;
        }
        if (size > 5 && index == 5) {
            return Kind.UNTRUSTED_KEY;
        }
        return switch (index % 10) {
        case 4 -> Kind.IDENTITY_ONLY;
        case 7 -> Kind.UNCERTIFIED_HOST;
        default -> Kind.CERTIFIED_SIGNING;
        };
    }

    /** The certification list that matches the certified hosts. */
    static List<Certification> certifications() {
        return CERTIFIED_HOSTS.stream().map(h -> new Certification(h.manufacturer(), h.model(), h.softwareVersion()))
                .toList();
    }

    /** Builds and starts {@code count} clients of the server at {@code serverUri}; trusted keys go to {@code keys}. */
    static DemoFleet start(int count, String serverUri, Path dataDirectory, ServerKeys keys) throws Exception {
        DemoFleet fleet = new DemoFleet();
        try {
            for (int i = 0; i < count; i++) {
                fleet.add(i, count, serverUri, dataDirectory, keys);
            }
        } catch (Exception | Error e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    private void add(int index, int size, String serverUri, Path dataDirectory, ServerKeys keys) throws Exception {
        Kind kind = kindOf(index, size);
        String endpoint = String.format("demo-%03d", index);
        Path directory = dataDirectory.resolve(endpoint);
        PortfolioClient.Builder builder = PortfolioClient.builder(endpoint).serverUri(serverUri)
                .dataDirectory(directory).localAddress(InetAddress.getLoopbackAddress()).lifetime(300);
        if (kind == Kind.IDENTITY_ONLY) {
            builder.identityOnly();
        } else {
            Path store = directory.resolve(PortfolioClient.KEY_STORE);
            Pkcs12KeySource keySource = Pkcs12KeySource.openOrCreate(store,
                    KeyStorePasswords.forStore(store, directory.resolve(PortfolioClient.KEY_STORE_PASSWORD)), endpoint,
                    null);
            builder.keySource(keySource);
            if (kind != Kind.UNTRUSTED_KEY) {
                keys.trust(keySource.signingKey(keySource.defaultKeyId()).chain().get(0));
            }
        }
        PortfolioClient client = builder.build();
        clients.add(client);
        endpoints.add(endpoint);
        if (kind != Kind.NO_HOST_IDENTITY) {
            Host host = kind == Kind.UNCERTIFIED_HOST ? UNCERTIFIED_HOSTS.get(index % UNCERTIFIED_HOSTS.size())
                    : CERTIFIED_HOSTS.get(index % CERTIFIED_HOSTS.size());
            client.hostDevice().setUniqueId(String.format("HDID-%010d", 4_200_000_000L + index))
                    .setManufacturer(host.manufacturer()).setModel(host.model())
                    .setSoftwareVersion(host.softwareVersion());
        }
        client.start();
    }

    List<String> endpoints() {
        return List.copyOf(endpoints);
    }

    @Override
    public void close() {
        for (PortfolioClient client : clients) {
            try {
                client.close();
            } catch (RuntimeException e) {
                // keep closing the others
            }
        }
    }
}
