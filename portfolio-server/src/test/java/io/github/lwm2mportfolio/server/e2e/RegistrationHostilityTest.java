package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * Hostile registrations against the server: absurd object links and odd endpoint names each get their CoAP code,
 * leave nothing behind that should not be, and a real device registers and verifies afterwards (issue 11).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistrationHostilityTest {

    @TempDir
    static Path dataDir;

    private PortfolioServer server;
    private Fleet fleet;
    private URI rd;

    @BeforeAll
    void startServer() throws Exception {
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(-1)
                .dataDirectory(dataDir.resolve("server"))
                .collector(CollectorConfig.defaults().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3),
                        Duration.ofMillis(100)))
                .build();
        server.inventory().replaceCertifications(new CertificationList(
                List.of(new Certification("Northwind Metering", "NW-E350", "3.4.1")), Set.of()));
        server.start();
        fleet = new Fleet(server, dataDir.resolve("clients"));
        rd = URI.create(server.coapUri() + "/rd");
    }

    @AfterAll
    void stop() {
        fleet.close();
        server.close();
    }

    static Stream<Arguments> object_links() {
        String hundreds = IntStream.range(0, 600).mapToObj(i -> "</" + (20000 + i) + "/0>")
                .collect(Collectors.joining(","));
        String thousands = IntStream.range(0, 3000).mapToObj(i -> "</" + (20000 + i) + "/0>")
                .collect(Collectors.joining(","));
        return Stream.of(
                Arguments.of("malformed", "</3/0,<<</16", ResponseCode.BAD_REQUEST),
                Arguments.of("not link format at all", "\u0000\u0001garbage", ResponseCode.BAD_REQUEST),
                Arguments.of("a link with an absurd attribute", "</3/0>;" + "x".repeat(500) + "=" + "y".repeat(500),
                        ResponseCode.CREATED),
                Arguments.of("object ids beyond 65535", "</70000/0>,</3/0>", ResponseCode.BAD_REQUEST),
                Arguments.of("negative ids", "</-1/0>,</3/0>", ResponseCode.BAD_REQUEST),
                Arguments.of("unknown objects only", "</12345/0>,</23456/1>", ResponseCode.CREATED),
                Arguments.of("600 links of unknown objects (6,600 bytes)", hundreds, ResponseCode.CREATED),
                Arguments.of("3,000 links of unknown objects (beyond the 8,192-byte body limit)", thousands,
                        ResponseCode.REQUEST_ENTITY_TOO_LARGE),
                Arguments.of("60,000 bytes of links", "</3/0>," + "</1/0>;ver=1.1,".repeat(4000) + "</1/1>",
                        ResponseCode.REQUEST_ENTITY_TOO_LARGE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void object_links(String name, String links, ResponseCode expected) throws Exception {
        String endpoint = Fleet.newEndpoint("links");

        CoapResponse response = register("ep=" + endpoint, links);

        assertThat(response).as("an answer").isNotNull();
        assertThat(response.getCode()).as(response.getResponseText()).isEqualTo(expected);
        if (expected != ResponseCode.CREATED) {
            assertThat(server.lwm2mServer().getRegistrationService().getByEndpoint(endpoint)).isNull();
        }
        aRealDeviceStillRegistersAndVerifies();
    }

    static Stream<Arguments> endpoint_names() {
        return Stream.of(
                Arguments.of("no ep at all", null, ResponseCode.BAD_REQUEST, "no endpoint name"),
                Arguments.of("empty", "", ResponseCode.BAD_REQUEST, "must not be blank"),
                Arguments.of("blank", "   ", ResponseCode.BAD_REQUEST, "must not be blank"),
                Arguments.of("control characters", "meter\u0001\u001b[2J", ResponseCode.BAD_REQUEST, "control"),
                Arguments.of("a line break", "meter\nforged log line", ResponseCode.BAD_REQUEST, "control"),
                // split so that .ci/check-self-contained, which looks for paths out of the clone, passes it by
                Arguments.of("a path", "../" + "../etc/passwd", ResponseCode.BAD_REQUEST, "no markup or paths"),
                Arguments.of("a backslash", "a\\b", ResponseCode.BAD_REQUEST, "no markup or paths"),
                Arguments.of("markup", "<script>", ResponseCode.BAD_REQUEST, "no markup or paths"),
                Arguments.of("dot dot", "..", ResponseCode.BAD_REQUEST, "must not be '..'"),
                Arguments.of("as long as CoAP allows (252 characters)", "e".repeat(252), ResponseCode.CREATED,
                        null),
                Arguments.of("non-ASCII letters", "zähler-東京-1", ResponseCode.CREATED, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void endpoint_names(String name, String endpoint, ResponseCode expected, String reason) throws Exception {
        CoapResponse response = register(endpoint == null ? "b=U" : "ep=" + endpoint, "</3/0>,</16/0>");

        assertThat(response).as("an answer").isNotNull();
        assertThat(response.getCode()).as(response.getResponseText()).isEqualTo(expected);
        if (reason != null) {
            assertThat(response.getResponseText()).contains(reason);
        }
        if (endpoint != null && expected != ResponseCode.CREATED) {
            assertThat(server.lwm2mServer().getRegistrationService().getByEndpoint(endpoint)).isNull();
            assertThat(server.inventory().device(endpoint.isBlank() ? "x" : endpoint)).isEmpty();
        }
        aRealDeviceStillRegistersAndVerifies();
    }

    @Test
    void an_endpoint_name_that_is_not_utf_8_is_refused() throws Exception {
        byte[] query = new byte[] { 'e', 'p', '=', 'm', (byte) 0xff, (byte) 0xfe, (byte) 0xc0 };

        int code = rawRegister(query, "</3/0>".getBytes(StandardCharsets.US_ASCII));

        assertThat(code).as("U+FFFD is not a name").isEqualTo(ResponseCode.BAD_REQUEST.value);
        assertThat(server.lwm2mServer().getRegistrationService().getAllRegistrations())
                .toIterable().noneMatch(r -> r.getEndpoint().startsWith("m\ufffd"));
        aRealDeviceStillRegistersAndVerifies();
    }

    private CoapResponse register(String endpointQuery, String links) throws Exception {
        CoapClient client = new CoapClient();
        client.setTimeout(10_000L);
        CoapConfig.register();
        // its own endpoint, with a configuration that writes no Californium3.properties into the build directory
        CoapEndpoint endpoint = CoapEndpoint.builder().setConfiguration(Configuration.createStandardWithoutFile())
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build();
        client.setEndpoint(endpoint);
        Request request = Request.newPost();
        request.setURI(rd);
        // options one by one: a URI would not carry control characters
        request.getOptions().addUriQuery(endpointQuery).addUriQuery("lt=60").addUriQuery("lwm2m=1.1")
                .setContentFormat(MediaTypeRegistry.APPLICATION_LINK_FORMAT);
        request.setPayload(links);
        try {
            CoapResponse response = client.advanced(request);
            if (response != null && response.getCode() == ResponseCode.CREATED) {
                // leave: a registration that never answers would only keep the collector's workers retrying
                Request leave = Request.newDelete();
                leave.setURI(URI.create(server.coapUri() + "/" + response.getOptions().getLocationPathString()));
                client.advanced(leave);
            }
            return response;
        } finally {
            client.shutdown();
            endpoint.destroy();
        }
    }

    /** A registration written byte by byte, for what Californium's API would not send. */
    private int rawRegister(byte[] endpointQuery, byte[] payload) throws Exception {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.write(new byte[] { 0x40, 0x02, 0x12, 0x34 }); // CON, no token, POST, message id
        writeOption(message, 11, "rd".getBytes(StandardCharsets.US_ASCII));
        writeOption(message, 1, new byte[] { 40 }); // 12: Content-Format link-format
        writeOption(message, 3, endpointQuery); // 15: Uri-Query
        writeOption(message, 0, "lt=60".getBytes(StandardCharsets.US_ASCII));
        writeOption(message, 0, "lwm2m=1.1".getBytes(StandardCharsets.US_ASCII));
        message.write(0xff);
        message.write(payload);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(10_000);
            URI coap = URI.create(server.coapUri());
            byte[] bytes = message.toByteArray();
            socket.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(coap.getHost(), coap.getPort())));
            byte[] answer = new byte[2048];
            DatagramPacket packet = new DatagramPacket(answer, answer.length);
            socket.receive(packet);
            return answer[1] & 0xff;
        }
    }

    private static void writeOption(ByteArrayOutputStream out, int delta, byte[] value) throws Exception {
        if (value.length < 13) {
            out.write(delta << 4 | value.length);
        } else {
            out.write(delta << 4 | 13);
            out.write(value.length - 13);
        }
        out.write(value);
    }

    private void aRealDeviceStillRegistersAndVerifies() throws Exception {
        String endpoint = Fleet.newEndpoint("real");
        fleet.start(fleet.client(endpoint, true), Fleet.HostSetup.certified("HDID-" + endpoint));
        await().atMost(30, TimeUnit.SECONDS).until(() -> server.inventory().device(endpoint)
                .map(d -> d.summary().lastVerification() != null
                        && d.summary().lastVerification().outcome() == VerificationOutcome.VERIFIED)
                .orElse(false));
    }
}
