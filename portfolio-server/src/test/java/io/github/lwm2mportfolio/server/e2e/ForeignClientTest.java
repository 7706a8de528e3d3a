package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.resource.BaseInstanceEnabler;
import org.eclipse.leshan.client.resource.LwM2mObjectEnabler;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel.Type;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.ObjectLink;
import org.eclipse.leshan.core.node.codec.DefaultLwM2mDecoder;
import org.eclipse.leshan.core.node.codec.LwM2mDecoder;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.argument.Arguments;
import org.eclipse.leshan.core.request.exception.InvalidRequestException;
import org.eclipse.leshan.core.response.ExecuteResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.transport.californium.client.endpoint.CaliforniumClientEndpointsProvider;
import org.eclipse.leshan.transport.californium.client.endpoint.coap.CoapClientProtocolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.core.model.PortfolioModels;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.DeviceDetail;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * Clients that are not ours: a bare Leshan client whose Portfolio object formats AuthData its own way, and
 * one that has object 16 but no ExtDevInfo. The server copes and says what it saw.
 */
class ForeignClientTest {

    @TempDir
    Path dataDir;

    private PortfolioServer server;
    private final List<LeshanClient> clients = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(-1)
                .dataDirectory(dataDir).collector(CollectorConfig.defaults().withTimeouts(Duration.ofSeconds(2),
                        Duration.ofSeconds(3), Duration.ofMillis(100)))
                .build();
        server.start();
    }

    @AfterEach
    void stop() {
        clients.forEach(c -> c.destroy(true));
        server.close();
    }

    @Test
    void auth_data_in_a_vendor_format_is_recorded_as_failed_with_what_was_seen() {
        startForeignClient("vendor-x", true, new VendorPortfolio(true));

        await().atMost(15, TimeUnit.SECONDS).until(() -> server.inventory().device("vendor-x")
                .map(d -> d.summary().lastVerification() != null).orElse(false));
        DeviceDetail device = server.inventory().device("vendor-x").orElseThrow();

        assertThat(device.summary().host().manufacturer()).isEqualTo("Vendor X Hosts");
        assertThat(device.summary().lastVerification().outcome()).isEqualTo(VerificationOutcome.FAILED);
        assertThat(device.summary().lastVerification().reason()).contains("MALFORMED");
    }

    @Test
    void portfolio_without_ext_dev_info_is_collected_and_flagged() {
        startForeignClient("no-link", false, new VendorPortfolio(false));

        await().atMost(15, TimeUnit.SECONDS).until(() -> server.inventory().device("no-link")
                .map(d -> !d.portfolios().isEmpty()).orElse(false));
        DeviceDetail device = server.inventory().device("no-link").orElseThrow();

        assertThat(device.extDevInfoPresent()).isFalse();
        assertThat(device.portfolios().get(0).identities()).containsEntry(1, "Vendor X Hosts");
        assertThat(device.portfolios().get(0).linkedFromDevice()).isFalse();
        assertThat(device.summary().state()).isEqualTo(ComplianceState.NO_PORTFOLIO);
    }

    @Test
    void a_device_answering_5_00_is_recorded_with_the_reason_and_collected_on_a_retry() {
        VendorPortfolio flaky = new VendorPortfolio(false);
        flaky.failReads(2);
        startForeignClient("flaky", true, flaky);

        await().atMost(15, TimeUnit.SECONDS).until(() -> server.inventory().device("flaky")
                .map(d -> !d.portfolios().isEmpty()).orElse(false));
        DeviceDetail device = server.inventory().device("flaky").orElseThrow();

        assertThat(device.collectionError()).isNull();
        assertThat(device.portfolios().get(0).identities()).containsEntry(2, "VX-9");
        assertThat(flaky.failedReads()).isEqualTo(2);
    }

    @Test
    void a_device_that_keeps_answering_5_00_keeps_its_reason() {
        VendorPortfolio broken = new VendorPortfolio(false);
        broken.failReads(Integer.MAX_VALUE);
        startForeignClient("broken", true, broken);

        await().atMost(15, TimeUnit.SECONDS).until(() -> server.inventory().device("broken")
                .map(d -> d.collectionError() != null).orElse(false));

        assertThat(server.inventory().device("broken").orElseThrow().collectionError())
                .contains("/16/0/0", "INTERNAL_SERVER_ERROR", "flash read failed");
    }

    @Test
    void a_device_that_refuses_observe_composite_is_challenged_resource_by_resource_and_not_asked_again()
            throws Exception {
        RefusingPathDecoder decoder = new RefusingPathDecoder();
        startForeignClient("no-composite", true, new VendorPortfolio(true), decoder);

        await().atMost(15, TimeUnit.SECONDS).until(() -> server.inventory().device("no-composite")
                .map(d -> d.summary().lastVerification() != null).orElse(false));
        Verification again = server.collector().verifyNow("no-composite").get(20, TimeUnit.SECONDS);

        // The vendor's AuthData is refused by the verifier: the challenge ran all the way, twice.
        assertThat(again.reason()).contains("MALFORMED");
        DeviceDetail device = server.inventory().device("no-composite").orElseThrow();
        assertThat(device.verifications()).hasSize(2).allSatisfy(v -> assertThat(v.reason()).contains("MALFORMED"));
        assertThat(device.portfolios().get(0).identities()).containsEntry(1, "Vendor X Hosts");
        assertThat(decoder.refused()).as("Observe-Composite asked once per registration").isEqualTo(1);
    }

    private void startForeignClient(String endpoint, boolean withExtDevInfo, VendorPortfolio portfolio) {
        startForeignClient(endpoint, withExtDevInfo, portfolio, null);
    }

    private void startForeignClient(String endpoint, boolean withExtDevInfo, VendorPortfolio portfolio,
            LwM2mDecoder decoder) {
        List<ObjectModel> models = PortfolioModels.clientModels();
        ObjectsInitializer initializer = new ObjectsInitializer(new StaticModel(models));
        initializer.setInstancesForObject(LwM2mId.SECURITY, Security.noSec(server.coapUri(), 1));
        initializer.setInstancesForObject(LwM2mId.SERVER, new Server(1, 300));
        VendorDevice device = new VendorDevice(withExtDevInfo);
        initializer.setInstancesForObject(LwM2mId.DEVICE, device);
        initializer.setFactoryForObject(LwM2mId.DEVICE, (model, id, used) -> device);
        initializer.setInstancesForObject(16, portfolio);
        initializer.setFactoryForObject(16, (model, id, used) -> new VendorPortfolio(false));
        List<LwM2mObjectEnabler> objects = initializer.create(LwM2mId.SECURITY, LwM2mId.SERVER, LwM2mId.DEVICE, 16);
        LeshanClientBuilder builder = new LeshanClientBuilder(endpoint);
        builder.setObjects(objects);
        if (decoder != null) {
            builder.setDecoder(decoder);
        }
        builder.setEndpointsProviders(new CaliforniumClientEndpointsProvider.Builder(new CoapClientProtocolProvider())
                .setClientAddress(InetAddress.getLoopbackAddress()).build());
        LeshanClient client = builder.build();
        clients.add(client);
        client.start();
    }

    /** A client's decoder that takes the paths of a composite request for a bad request: it answers 4.00. */
    static final class RefusingPathDecoder extends DefaultLwM2mDecoder {
        private final AtomicInteger refused = new AtomicInteger();

        int refused() {
            return refused.get();
        }

        @Override
        public List<LwM2mPath> decodePaths(byte[] content, ContentFormat format, String rootPath) {
            refused.incrementAndGet();
            throw new InvalidRequestException("composite requests are not supported by this device");
        }
    }

    /** A Device whose ExtDevInfo links 16:0, or that has no ExtDevInfo at all. */
    public static final class VendorDevice extends BaseInstanceEnabler {
        private final boolean withExtDevInfo;

        VendorDevice(boolean withExtDevInfo) {
            super(0);
            this.withExtDevInfo = withExtDevInfo;
        }

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            if (resourceId == 22 && withExtDevInfo) {
                return ReadResponse.success(LwM2mMultipleResource.newObjectLinkResource(22,
                        Map.of(0, new ObjectLink(16, 0))));
            }
            if (resourceId == 0) {
                return ReadResponse.success(0, "Vendor X");
            }
            if (resourceId == 16) {
                return ReadResponse.success(16, "U");
            }
            return super.read(server, resourceId);
        }
    }

    /** A Portfolio instance whose GetAuthData answers with bytes in its vendor's own format. */
    public static final class VendorPortfolio extends BaseInstanceEnabler {
        private final boolean withAuth;
        private byte[] authData;
        private long status;
        private int readsToFail;
        private int failedReads;

        VendorPortfolio(boolean withAuth) {
            super(0);
            this.withAuth = withAuth;
        }

        synchronized void failReads(int count) {
            readsToFail = count;
        }

        synchronized int failedReads() {
            return failedReads;
        }

        @Override
        public synchronized ReadResponse read(LwM2mServer server, int resourceId) {
            switch (resourceId) {
            case 0:
                if (!server.isSystem() && failedReads < readsToFail) {
                    failedReads++;
                    return ReadResponse.internalServerError("flash read failed");
                }
                return ReadResponse.success(LwM2mMultipleResource.newStringResource(0,
                        Map.of(0, "VX-000123", 1, "Vendor X Hosts", 2, "VX-9", 3, "7.1")));
            case 2:
                return authData == null ? ReadResponse.notFound()
                        : ReadResponse.success(LwM2mMultipleResource.newResource(2,
                                Map.of(0, authData, 1, authData, 2, authData, 3, authData), Type.OPAQUE));
            case 3:
                return withAuth ? ReadResponse.success(3, status) : ReadResponse.notFound();
            default:
                return super.read(server, resourceId);
            }
        }

        @Override
        public ExecuteResponse execute(LwM2mServer server, int resourceId, Arguments arguments) {
            if (resourceId != 1 || !withAuth) {
                return super.execute(server, resourceId, arguments);
            }
            synchronized (this) {
                authData = "{\"vendor\":\"x\",\"sig\":\"c2lnbmF0dXJl\"}".getBytes(StandardCharsets.UTF_8);
                status = 1;
            }
            new Thread(() -> fireResourcesChange(getResourcePath(2), getResourcePath(3))).start();
            return ExecuteResponse.success();
        }
    }
}
