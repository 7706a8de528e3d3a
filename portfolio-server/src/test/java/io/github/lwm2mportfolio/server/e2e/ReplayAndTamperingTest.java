package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.resource.BaseInstanceEnabler;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.model.ResourceModel.Type;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.request.argument.Arguments;
import org.eclipse.leshan.core.response.ExecuteResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.transport.californium.client.endpoint.CaliforniumClientEndpointsProvider;
import org.eclipse.leshan.transport.californium.client.endpoint.coap.CoapClientProtocolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.github.lwm2mportfolio.core.auth.AuthClaims;
import io.github.lwm2mportfolio.core.auth.AuthDataMaker;
import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import io.github.lwm2mportfolio.core.model.PortfolioModels;
import io.github.lwm2mportfolio.core.profile.GetAuthDataRequest;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.inventory.DeviceDetail;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * Replay and tampering through the whole server: a device answers GetAuthData honestly once, then passes off
 * other AuthData; each kind is refused with its own reason, recorded in the device's verdicts (REST device
 * detail), and the host stays the verified one (issue 11). The core's {@code AuthDataReplayAndTamperingTest}
 * covers the verifier alone.
 */
class ReplayAndTamperingTest {

    private static final String ENDPOINT = "tampering-meter";
    private static final Map<Integer, String> IDENTITIES = Map.of(0, "HDID-T", 1, "Northwind Metering", 2,
            "NW-E350", 3, "3.4.1");

    @TempDir
    Path dataDir;

    private PortfolioServer server;
    private LeshanClient client;

    /** How the device answers the next GetAuthData. */
    enum Answer {
        HONEST, REPLAYED, OTHER_DEVICE, CHANGED_BYTE, OLD_NONCE, OLD_COUNTER, OTHER_VALUE
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.destroy(true);
        }
        server.close();
    }

    @ParameterizedTest
    @EnumSource(value = AuthService.class, names = { "SIGN", "MAC" })
    void each_replay_or_tampering_is_refused_with_its_own_reason_and_recorded(AuthService service)
            throws Exception {
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(-1)
                .dataDirectory(dataDir.resolve("server")).fleetMasterKey(Fleet.MASTER_KEY)
                .collector(CollectorConfig.defaults().withService(service).withTimeouts(Duration.ofSeconds(2),
                        Duration.ofSeconds(3), Duration.ofMillis(100)))
                .build();
        server.start();
        Pkcs12KeySource own = keys(ENDPOINT);
        Pkcs12KeySource other = keys("genuine-neighbour"); // a genuine device of the same fleet
        server.keys().trust(own.signingKey(own.defaultKeyId()).chain().get(0));
        server.keys().trust(other.signingKey(other.defaultKeyId()).chain().get(0));
        TamperingPortfolio portfolio = new TamperingPortfolio(new AuthDataMaker(own), new AuthDataMaker(other));
        client = startClient(portfolio);
        await().atMost(15, TimeUnit.SECONDS).until(() -> server.inventory().device(ENDPOINT)
                .map(d -> d.summary().lastVerification() != null).orElse(false));
        assertThat(lastVerdict().outcome()).as(lastVerdict().reason()).isEqualTo(VerificationOutcome.VERIFIED);

        String signOrMac = service == AuthService.SIGN ? "BAD_SIGNATURE" : "BAD_MAC";
        List<String> reasons = new ArrayList<>();
        reasons.add(refused(portfolio, Answer.REPLAYED, "REPLAYED_AUTH_DATA"));
        reasons.add(refused(portfolio, Answer.OTHER_DEVICE, "OTHER_DEVICE"));
        reasons.add(refused(portfolio, Answer.CHANGED_BYTE, signOrMac));
        reasons.add(refused(portfolio, Answer.OLD_NONCE, "NONCE_MISMATCH"));
        reasons.add(refused(portfolio, Answer.OLD_COUNTER, "REPLAYED_COUNTER"));
        reasons.add(refused(portfolio, Answer.OTHER_VALUE, "IDENTITY_VALUE_MISMATCH"));

        DeviceDetail device = server.inventory().device(ENDPOINT).orElseThrow();
        assertThat(device.verifications()).extracting(Verification::reason).as("the device's recorded verdicts")
                .allSatisfy(reason -> assertThat(reason).isNotBlank()).containsAll(reasons);
        assertThat(device.summary().host().uniqueId()).isEqualTo("HDID-T");
        portfolio.answer(Answer.HONEST);
        assertThat(server.collector().verifyNow(ENDPOINT).get(20, TimeUnit.SECONDS).outcome())
                .as("the device itself still verifies").isEqualTo(VerificationOutcome.VERIFIED);
    }

    private String refused(TamperingPortfolio portfolio, Answer answer, String reason) throws Exception {
        portfolio.answer(answer);
        Verification verdict = server.collector().verifyNow(ENDPOINT).get(20, TimeUnit.SECONDS);
        assertThat(verdict.outcome()).as(answer + ": " + verdict.reason()).isEqualTo(VerificationOutcome.FAILED);
        assertThat(verdict.reason()).as(answer.name()).startsWith("Identity 0: " + reason + " (");
        assertThat(lastVerdict().reason()).as("recorded").isEqualTo(verdict.reason());
        return verdict.reason();
    }

    private Verification lastVerdict() {
        return server.inventory().device(ENDPOINT).orElseThrow().summary().lastVerification();
    }

    private Pkcs12KeySource keys(String endpoint) throws Exception {
        return Pkcs12KeySource.openOrCreate(dataDir.resolve(endpoint + ".p12"), "pw".toCharArray(), endpoint,
                Fleet.MASTER_KEY);
    }

    private LeshanClient startClient(TamperingPortfolio portfolio) {
        ObjectsInitializer initializer = new ObjectsInitializer(new StaticModel(PortfolioModels.clientModels()));
        initializer.setInstancesForObject(LwM2mId.SECURITY, Security.noSec(server.coapUri(), 1));
        initializer.setInstancesForObject(LwM2mId.SERVER, new Server(1, 300));
        ForeignClientTest.VendorDevice device = new ForeignClientTest.VendorDevice(true);
        initializer.setInstancesForObject(LwM2mId.DEVICE, device);
        initializer.setFactoryForObject(LwM2mId.DEVICE, (model, id, used) -> device);
        initializer.setInstancesForObject(16, portfolio);
        initializer.setFactoryForObject(16, (model, id, used) -> portfolio);
        LeshanClientBuilder builder = new LeshanClientBuilder(ENDPOINT);
        builder.setObjects(initializer.create(LwM2mId.SECURITY, LwM2mId.SERVER, LwM2mId.DEVICE, 16));
        builder.setEndpointsProviders(new CaliforniumClientEndpointsProvider.Builder(new CoapClientProtocolProvider())
                .setClientAddress(InetAddress.getLoopbackAddress()).build());
        LeshanClient started = builder.build();
        started.start();
        return started;
    }

    /** Portfolio instance 0 whose GetAuthData answers as told: honestly, or with AuthData passed off as its own. */
    static final class TamperingPortfolio extends BaseInstanceEnabler {
        private final AuthDataMaker own;
        private final AuthDataMaker neighbour;
        private Answer answer = Answer.HONEST;
        private TreeMap<Integer, byte[]> authData = new TreeMap<>();
        private TreeMap<Integer, byte[]> firstHonest;
        private byte[] firstNonce;
        private long counter;
        /** The counter of the last honest answer: the highest the server accepted. */
        private long acceptedCounter;
        private long status;

        TamperingPortfolio(AuthDataMaker own, AuthDataMaker neighbour) {
            super(0);
            this.own = own;
            this.neighbour = neighbour;
        }

        synchronized void answer(Answer next) {
            answer = next;
        }

        @Override
        public synchronized ReadResponse read(LwM2mServer server, int resourceId) {
            switch (resourceId) {
            case 0:
                return ReadResponse.success(LwM2mMultipleResource.newStringResource(0, IDENTITIES));
            case 2:
                return authData.isEmpty() ? ReadResponse.notFound()
                        : ReadResponse.success(LwM2mMultipleResource.newResource(2, Map.copyOf(authData),
                                Type.OPAQUE));
            case 3:
                return ReadResponse.success(3, status);
            default:
                return super.read(server, resourceId);
            }
        }

        @Override
        public ExecuteResponse execute(LwM2mServer server, int resourceId, Arguments arguments) {
            if (resourceId != 1) {
                return super.execute(server, resourceId, arguments);
            }
            try {
                GetAuthDataRequest.Resolved request = GetAuthDataRequest.parse(arguments)
                        .resolve(IDENTITIES.keySet(), AuthService.SIGN, null);
                synchronized (this) {
                    authData = make(request);
                    status = 1;
                }
            } catch (Exception e) {
                return ExecuteResponse.badRequest(e.getMessage());
            }
            new Thread(() -> fireResourcesChange(getResourcePath(2), getResourcePath(3))).start();
            return ExecuteResponse.success();
        }

        private TreeMap<Integer, byte[]> make(GetAuthDataRequest.Resolved request) throws Exception {
            if (answer == Answer.REPLAYED) {
                return firstHonest;
            }
            TreeMap<Integer, byte[]> made = new TreeMap<>();
            for (int id : request.identityIds()) {
                byte[] nonce = answer == Answer.OLD_NONCE ? firstNonce : request.nonce();
                String value = answer == Answer.OTHER_VALUE ? "GLOBEX " + IDENTITIES.get(id) : IDENTITIES.get(id);
                long count = answer == Answer.OLD_COUNTER ? acceptedCounter : ++counter;
                long now = Instant.now().getEpochSecond();
                byte[] bytes = answer == Answer.OTHER_DEVICE
                        ? neighbour.make(new AuthClaims("genuine-neighbour", "/16/0", id, value, nonce, now, count),
                                request.service(), null)
                        : own.make(new AuthClaims(ENDPOINT, "/16/0", id, value, nonce, now, count),
                                request.service(), null);
                if (answer == Answer.CHANGED_BYTE) {
                    bytes[bytes.length - 1] ^= 0x01;
                }
                made.put(id, bytes);
            }
            if (firstHonest == null) {
                firstHonest = made;
                firstNonce = request.nonce();
            }
            if (answer == Answer.HONEST) {
                acceptedCounter = counter;
            }
            return made;
        }
    }
}
