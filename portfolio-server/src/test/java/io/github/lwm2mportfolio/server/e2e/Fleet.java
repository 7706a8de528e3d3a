package io.github.lwm2mportfolio.server.e2e;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.leshan.client.observer.LwM2mClientObserver;

import io.github.lwm2mportfolio.client.ClientSecurity;
import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.client.testing.TestCertificates;
import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.inventory.DeviceCredential;

/** Real clients of portfolio-client for a {@link PortfolioServer} under test; closes them all. */
final class Fleet implements AutoCloseable {

    static final byte[] MASTER_KEY = "fleet master key for e2e tests!!".getBytes(StandardCharsets.US_ASCII);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final PortfolioServer server;
    private final Path dataDirectory;
    private final List<PortfolioClient> clients = new ArrayList<>();

    Fleet(PortfolioServer server, Path dataDirectory) {
        this.server = server;
        this.dataDirectory = dataDirectory;
    }

    static String newEndpoint(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet();
    }

    /** A client builder with a key source the server trusts (unless told otherwise) and host identities. */
    PortfolioClient.Builder client(String endpoint, boolean trusted) throws Exception {
        Path directory = dataDirectory.resolve(endpoint);
        Pkcs12KeySource keys = Pkcs12KeySource.openOrCreate(directory.resolve("keys.p12"), "pw".toCharArray(),
                endpoint, MASTER_KEY);
        if (trusted) {
            server.keys().trust(keys.signingKey(keys.defaultKeyId()).chain().get(0));
        }
        return PortfolioClient.builder(endpoint).serverUri(server.coapUri()).dataDirectory(directory)
                .keySource(keys).localAddress(InetAddress.getLoopbackAddress());
    }

    /** The same over DTLS with a PSK kept in the server's database. */
    PortfolioClient.Builder pskClient(String endpoint) throws Exception {
        byte[] key = ("psk " + endpoint).getBytes(StandardCharsets.UTF_8);
        server.inventory().putCredential(new DeviceCredential(endpoint, DeviceCredential.Kind.PSK, "id-" + endpoint,
                key));
        return client(endpoint, true).serverUri(server.coapsUri()).security(ClientSecurity.psk("id-" + endpoint, key));
    }

    /** Over DTLS with these raw public keys; what the server's database holds for the endpoint is up to the test. */
    PortfolioClient.Builder rpkClient(String endpoint, KeyPair keys) throws Exception {
        return client(endpoint, true).serverUri(server.coapsUri())
                .security(ClientSecurity.rpk(keys.getPublic(), keys.getPrivate(), server.serverPublicKey()));
    }

    /** The same over DTLS with a certificate (CN = endpoint) of the given CA; the database says X509. */
    PortfolioClient.Builder x509Client(String endpoint, TestCertificates issuer) throws Exception {
        server.inventory().putCredential(new DeviceCredential(endpoint, DeviceCredential.Kind.X509, null, null));
        TestCertificates.Credential device = issuer.client(endpoint);
        return client(endpoint, true).serverUri(server.coapsUri()).security(
                ClientSecurity.x509(device.certificate(), device.privateKey(), server.serverCertificate()));
    }

    PortfolioClient start(PortfolioClient.Builder builder, HostSetup host) {
        return start(builder, host, null);
    }

    /** Starts with an observer of the client's registrations attached first (none when null). */
    PortfolioClient start(PortfolioClient.Builder builder, HostSetup host, LwM2mClientObserver observer) {
        PortfolioClient client = builder.build();
        clients.add(client);
        host.apply(client);
        if (observer != null) {
            client.leshanClient().addObserver(observer);
        }
        client.start();
        return client;
    }

    /** What the host application tells the client before it starts. */
    @FunctionalInterface
    interface HostSetup {
        void apply(PortfolioClient client);

        static HostSetup certified(String uniqueId) {
            return client -> client.hostDevice().setUniqueId(uniqueId).setManufacturer("Northwind Metering")
                    .setModel("NW-E350").setSoftwareVersion("3.4.1");
        }

        static HostSetup none() {
            return client -> {
            };
        }
    }

    @Override
    public void close() {
        for (PortfolioClient client : clients) {
            try {
                client.close();
            } catch (RuntimeException e) {
                // keep closing
            }
        }
    }
}
