package io.github.lwm2mportfolio.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;

import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.CreateRequest;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.lwm2mportfolio.client.ClientFixture.Running;
import io.github.lwm2mportfolio.client.ClientFixture.Transport;
import io.github.lwm2mportfolio.client.object.PortfolioInstance;
import io.github.lwm2mportfolio.client.testing.TestLwm2mServer;
import io.github.lwm2mportfolio.core.auth.AuthClaims;
import io.github.lwm2mportfolio.core.auth.AuthDataVerifier;
import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.core.auth.Expectation;
import io.github.lwm2mportfolio.core.auth.Verdict;
import io.github.lwm2mportfolio.core.auth.VerifierKeys;
import io.github.lwm2mportfolio.core.cose.CoseMac0;
import io.github.lwm2mportfolio.core.model.AuthStatus;

/**
 * Hostile requests from a real Leshan server, as raw CoAP so that any bytes can be sent: wrong content formats,
 * truncated and garbage TLV, SenML-JSON and SenML-CBOR, unknown objects, instances and resources, operations on
 * resources that do not allow them, a block-wise payload beyond the client's limit, a storm of concurrent GetAuthData
 * Executes. Each gets its CoAP code, nothing changes, and the client goes on serving. (Limits, locks, non-executable resources, GetAuthData arguments
 * and invalid UTF-8 have their own tests.)
 */
class ClientHostilityTest {

    private static final int STORM = 300;

    private static TestLwm2mServer server;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startServer() {
        server = new TestLwm2mServer();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = { //
            // content formats the client does not speak, or that cannot carry this node
            "link-format body              | PUT    | /16/1/0/0 | 40    | 3c2f31363e        | 4.15", //
            "unknown content format        | PUT    | /16/1/0/0 | 65000 | 41               | 4.15", //
            "no content format             | PUT    | /16/1/0/0 | -1    | 41               | 4.00", //
            "plain text for a resource     | PUT    | /16/1/0   | 0     | 41               | 4.00", //
            "opaque for an instance        | POST   | /16/1     | 42    | 41               | 4.00", //
            // TLV
            "TLV truncated value           | PUT    | /16/1/0/0 | 11542 | 4300ff           | 4.00", //
            "TLV truncated header          | PUT    | /16/1/0   | 11542 | 88               | 4.00", //
            "TLV garbage                   | PUT    | /16/1/0   | 11542 | ffffffffffffffff | 4.00", //
            "TLV empty                     | PUT    | /16/1/0/0 | 11542 | -                | 4.00", //
            "TLV child longer than parent  | PUT    | /16/1/0   | 11542 | 8500480061626364 | 4.00", //
            "TLV writes AuthData           | POST   | /16/1     | 11542 | c10201           | 4.05", //
            "TLV writes AuthStatus         | POST   | /16/1     | 11542 | c10301           | 4.05", //
            // SenML-JSON and SenML-CBOR
            "SenML-JSON garbage            | PUT    | /16/1/0/0 | 110   | 5b7b             | 4.00", //
            "SenML-JSON truncated          | PUT    | /16/1/0/0 | 110   | 5b7b226e223a222f31362f312f302f30222c227673223a226162 | 4.00", //
            "SenML-JSON number for string  | PUT    | /16/1/0/0 | 110   | 5b7b226e223a222f31362f312f302f30222c2276223a357d5d | 4.00", //
            "SenML-JSON other path         | PUT    | /16/1/0/0 | 110   | 5b7b226e223a222f31362f322f302f30222c227673223a2261227d5d | 4.00", //
            "SenML-CBOR garbage            | PUT    | /16/1/0/0 | 112   | ff00ff00         | 4.00", //
            "SenML-CBOR truncated          | PUT    | /16/1/0/0 | 112   | 81a200692f31362f312f3003636162 | 4.00", //
            "SenML-CBOR nested 1000 deep   | PUT    | /16/1/0/0 | 112   | DEEP             | 4.00", //
            // unknown objects, instances, resources
            "read unknown object           | GET    | /99/0     | -1    | -                | 4.04", //
            "read unknown instance         | GET    | /16/9     | -1    | -                | 4.04", //
            "read unknown Identity         | GET    | /16/1/0/99 | -1   | -                | 4.04", //
            "write unknown resource        | PUT    | /16/1/7   | 0     | 41               | 4.04", //
            "write unknown instance        | PUT    | /16/9/0/0 | 0     | 41               | 4.04", //
            "delete unknown instance       | DELETE | /16/9     | -1    | -                | 4.04", //
            // operations the target does not allow (Leshan answers 4.00 where no value can be decoded)
            "write GetAuthData             | PUT    | /16/1/1   | 0     | 41               | 4.00", //
            "execute Identity              | POST   | /16/1/0   | -1    | -                | 4.05", //
            "execute AuthStatus            | POST   | /16/1/3   | 0     | 30               | 4.05", //
            "POST to an Identity value     | POST   | /16/1/0/0 | 0     | 41               | 4.00", //
            "delete a resource             | DELETE | /16/1/0   | -1    | -                | 4.00", //
            "create an existing instance   | POST   | /16       | 11542 | 0801038300006161 | 4.00" })
    void hostile_requests_get_their_code_and_change_nothing(String name, String method, String path,
            int contentFormat, String hex, String code) throws Exception {
        try (Running running = ClientFixture.start(server, Transport.COAP, dataDir)) {
            Registration registration = running.registration();
            server.send(registration, new CreateRequest(ContentFormat.TLV, 16,
                    new LwM2mObjectInstance(1, LwM2mMultipleResource.newStringResource(0, Map.of(0, "keep")))));
            SortedMap<Integer, PortfolioInstance> before = running.client().portfolios().all();

            Response response = server.raw(registration, CoAP.Code.valueOf(methodCode(method)), path, contentFormat,
                    payload(hex));

            assertThat(response.getCode().toString()).as("%s: %s", name, response.getPayloadString()).isEqualTo(code);
            assertThat(running.client().portfolios().all()).isEqualTo(before);
            assertStillServing(registration);
        }
    }

    @Test
    void a_block_wise_write_beyond_the_body_limit_is_refused_with_4_13() throws Exception {
        try (Running running = ClientFixture.start(server, Transport.COAP, dataDir)) {
            Registration registration = running.registration();
            running.client().portfolios().unlock(0);
            SortedMap<Integer, PortfolioInstance> before = running.client().portfolios().all();
            // Plain text of 20,000 bytes: Californium sends it block by block (Block1), the client stops at 8,192.
            byte[] big = "x".repeat(20_000).getBytes(StandardCharsets.US_ASCII);

            Response response = server.raw(registration, CoAP.Code.PUT, "/16/0/0/1", 0, big);

            assertThat(response.getCode()).isEqualTo(CoAP.ResponseCode.REQUEST_ENTITY_TOO_LARGE);
            assertThat(running.client().portfolios().all()).isEqualTo(before);
            assertStillServing(registration);
        }
    }

    @Test
    void a_storm_of_concurrent_get_auth_data_is_answered_and_the_last_auth_data_verifies() throws Exception {
        try (Running running = ClientFixture.start(server, Transport.COAP, dataDir)) {
            Registration registration = running.registration();
            Map<Integer, String> identitiesBefore = running.client().portfolios().get(0).orElseThrow().identities();
            Map<String, byte[]> nonces = new ConcurrentHashMap<>();
            Map<Object, AtomicInteger> answers = new ConcurrentHashMap<>();
            CountDownLatch answered = new CountDownLatch(STORM);

            for (int i = 0; i < STORM; i++) {
                byte[] nonce = ByteBuffer.allocate(16).putLong(i).putLong(System.nanoTime()).array();
                String argument = Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
                nonces.put(argument, nonce);
                server.leshan().send(registration,
                        new ExecuteRequest("/16/0/1", "0='3',1='mac',2='" + argument + "'"), 30_000, response -> {
                            answers.computeIfAbsent(response.getCode(), c -> new AtomicInteger())
                                    .incrementAndGet();
                            answered.countDown();
                        }, error -> {
                            answers.computeIfAbsent(error.toString(), c -> new AtomicInteger()).incrementAndGet();
                            answered.countDown();
                        });
            }

            assertThat(answered.await(60, TimeUnit.SECONDS)).as("every Execute answered: %s", answers).isTrue();
            // 5.00 "too busy" is allowed when the client's bounded queue is full; nothing else.
            assertThat(answers).as("answers to %d Executes", STORM).containsKey(ResponseCode.CHANGED).allSatisfy(
                    (code, count) -> assertThat(code).isIn(ResponseCode.CHANGED, ResponseCode.INTERNAL_SERVER_ERROR));
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(
                    () -> assertThat(readStatus(registration)).isEqualTo(AuthStatus.DATA_AVAIL.code()));
            ReadResponse read = server.send(registration, new ReadRequest(ContentFormat.SENML_CBOR, "/16/0/2/3"));
            byte[] authData = (byte[]) ((LwM2mResourceInstance) read.getContent()).getValue();
            byte[] nonce = AuthClaims.decode(CoseMac0.parse(authData).payload()).nonce();
            assertThat(nonces.values()).as("the AuthData answers one of the Executes").anyMatch(
                    sent -> Arrays.equals(sent, nonce));
            Verdict verdict = new AuthDataVerifier().verify(authData,
                    new Expectation(running.client().endpoint(), "/16/0", 3, identitiesBefore.get(3), nonce, -1,
                            AuthService.MAC),
                    VerifierKeys.fleet(ClientFixture.FLEET_MASTER_KEY, List.of()));
            assertThat(verdict.accepted()).as(verdict.message()).isTrue();
            assertThat(running.client().portfolios().get(0).orElseThrow().identities()).isEqualTo(identitiesBefore);
            assertStillServing(registration);
        }
    }

    private static long readStatus(Registration registration) throws InterruptedException {
        ReadResponse read = server.send(registration, new ReadRequest(ContentFormat.TEXT, "/16/0/3"));
        return (Long) ((LwM2mSingleResource) read.getContent()).getValue();
    }

    private static void assertStillServing(Registration registration) throws InterruptedException {
        ReadResponse read = server.send(registration, new ReadRequest(ContentFormat.SENML_JSON, "/16/0/0"));
        assertThat(read.getCode()).isEqualTo(ResponseCode.CONTENT);
    }

    private static int methodCode(String method) {
        return switch (method) {
        case "GET" -> 1;
        case "POST" -> 2;
        case "PUT" -> 3;
        case "DELETE" -> 4;
        default -> throw new IllegalArgumentException(method);
        };
    }

    private static byte[] payload(String hex) {
        if (hex.equals("-")) {
            return new byte[0];
        }
        if (hex.equals("DEEP")) {
            // 1,000 nested one-element arrays: a parser that recurses without a bound overflows its stack.
            byte[] deep = new byte[1_001];
            Arrays.fill(deep, 0, 1_000, (byte) 0x81);
            deep[1_000] = 0x00;
            return deep;
        }
        return HexFormat.of().parseHex(hex);
    }
}
