package io.github.lwm2mportfolio.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;

import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.CreateRequest;
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
import io.github.lwm2mportfolio.client.testing.TestLwm2mServer;

/**
 * Identity values are UTF-8 strings: bytes that are not UTF-8 ({@code ff fe c0} here) are refused with 4.00 in every
 * content format, and nothing is stored (they used to be stored as U+FFFD characters). Raw CoAP requests from a real
 * Leshan server, since Leshan's own encoders never make such payloads.
 */
class InvalidUtf8WriteTest {

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
            "TLV resource instance      | PUT  | /16/1/0/0 | 11542 | 4300fffec0", //
            "TLV Identity resource      | PUT  | /16/1/0   | 11542 | 85004300fffec0", //
            "TLV instance update        | POST | /16/1     | 11542 | 85004300fffec0", //
            "TLV create                 | POST | /16       | 11542 | 08020b8800084100614301fffec0", //
            "TLV, pre-1.0 code 1542     | PUT  | /16/1/0/0 | 1542  | 4300fffec0", //
            "plain text                 | PUT  | /16/1/0/0 | 0     | fffec0", //
            "plain text, truncated      | PUT  | /16/1/0/0 | 0     | 41e282", //
            "plain text, surrogate      | PUT  | /16/1/0/0 | 0     | eda080", //
            "plain text, overlong       | PUT  | /16/1/0/0 | 0     | c0af", //
            "opaque                     | PUT  | /16/1/0/0 | 42    | fffec0", //
            "CBOR text string           | PUT  | /16/1/0/0 | 60    | 63fffec0", //
            "SenML-CBOR vs              | PUT  | /16/1/0/0 | 112   | 81a200692f31362f312f302f300363fffec0", //
            "SenML-CBOR vd              | PUT  | /16/1/0/0 | 112   | 81a200692f31362f312f302f300843fffec0", //
            "SenML-JSON vs              | PUT  | /16/1/0/0 | 110   | 5b7b226e223a222f31362f312f302f30222c227673223a22fffec0227d5d" })
    void bytes_that_are_not_utf_8_are_refused_and_nothing_is_stored(String name, String method, String path,
            int contentFormat, String hex) throws Exception {
        try (Running running = ClientFixture.start(server, Transport.COAP, dataDir)) {
            Registration registration = running.registration();
            server.send(registration, new CreateRequest(ContentFormat.TLV, 16,
                    new LwM2mObjectInstance(1, LwM2mMultipleResource.newStringResource(0, Map.of(0, "keep")))));

            org.eclipse.californium.core.coap.Response response = server.raw(registration,
                    CoAP.Code.valueOf(method.equals("PUT") ? 3 : 2), path, contentFormat,
                    HexFormat.of().parseHex(hex));

            assertThat(response.getCode()).as(response.getPayloadString()).isIn(CoAP.ResponseCode.BAD_REQUEST,
                    CoAP.ResponseCode.UNSUPPORTED_CONTENT_FORMAT);
            assertThat(running.client().portfolios().all()).containsOnlyKeys(0, 1);
            assertThat(running.client().portfolios().get(1).orElseThrow().identities()).isEqualTo(Map.of(0, "keep"));
            ReadResponse read = server.send(registration, new ReadRequest(ContentFormat.TLV, "/16/1/0/0"));
            assertThat(read.getCode()).isEqualTo(ResponseCode.CONTENT);
        }
    }

    @Test
    void the_refusal_says_why() throws Exception {
        try (Running running = ClientFixture.start(server, Transport.COAP, dataDir)) {
            running.client().portfolios().unlock(0);
            org.eclipse.californium.core.coap.Response response = server.raw(running.registration(), CoAP.Code.PUT,
                    "/16/0/0/1", 0, HexFormat.of().parseHex("fffec0"));

            assertThat(response.getCode()).isEqualTo(CoAP.ResponseCode.BAD_REQUEST);
            // Leshan answers every payload it cannot decode with this reason.
            assertThat(response.getPayloadString()).isEqualTo("Unable to decode payload on WRITE");
            assertThat(running.client().portfolios().get(0).orElseThrow().identities()).containsEntry(1,
                    "Acme Meters");
        }
    }

    @Test
    void half_a_character_escaped_in_senml_json_is_refused_with_its_reason() throws Exception {
        try (Running running = ClientFixture.start(server, Transport.COAP, dataDir)) {
            running.client().portfolios().unlock(0);
            byte[] payload = "[{\"n\":\"/16/0/0/1\",\"vs\":\"A\\ud83d\"}]".getBytes(StandardCharsets.US_ASCII);

            org.eclipse.californium.core.coap.Response response = server.raw(running.registration(), CoAP.Code.PUT,
                    "/16/0/0/1", 110, payload);

            assertThat(response.getCode()).isEqualTo(CoAP.ResponseCode.BAD_REQUEST);
            assertThat(response.getPayloadString()).isEqualTo(
                    "Identity 1 is not valid Unicode: it has an unpaired surrogate");
            assertThat(running.client().portfolios().get(0).orElseThrow().identities()).containsEntry(1,
                    "Acme Meters");
        }
    }

    @Test
    void valid_multi_byte_utf_8_is_stored_as_written() throws Exception {
        try (Running running = ClientFixture.start(server, Transport.COAP, dataDir)) {
            running.client().portfolios().unlock(0);
            // "Zürich €" and U+FFFD itself, which is a valid character when written as UTF-8 (ef bf bd).
            org.eclipse.californium.core.coap.Response response = server.raw(running.registration(), CoAP.Code.PUT,
                    "/16/0/0/1", 0, HexFormat.of().parseHex("5ac3bc7269636820e282ac20efbfbd"));

            assertThat(response.getCode()).isEqualTo(CoAP.ResponseCode.CHANGED);
            assertThat(running.client().portfolios().get(0).orElseThrow().identities())
                    .containsEntry(1, "Zürich € \uFFFD");
        }
    }
}
