package io.github.lwm2mportfolio.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.model.ResourceModel.Type;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.node.ObjectLink;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.CreateRequest;
import org.eclipse.leshan.core.request.DeleteRequest;
import org.eclipse.leshan.core.request.DiscoverRequest;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.WriteRequest;
import org.eclipse.leshan.core.request.WriteRequest.Mode;
import org.eclipse.leshan.core.response.CreateResponse;
import org.eclipse.leshan.core.response.DeleteResponse;
import org.eclipse.leshan.core.response.DiscoverResponse;
import org.eclipse.leshan.core.response.ExecuteResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.core.response.WriteResponse;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.lwm2mportfolio.client.ClientFixture.Running;
import io.github.lwm2mportfolio.client.ClientFixture.Transport;
import io.github.lwm2mportfolio.client.testing.TestLwm2mServer;

/** Every server operation on object 16 (and /3/0/22), from a real Leshan server, over CoAP and DTLS-PSK. */
class PortfolioObjectOperationsTest {

    private static final ContentFormat[] MULTI_VALUE_FORMATS = { ContentFormat.TLV, ContentFormat.SENML_JSON,
            ContentFormat.SENML_CBOR };

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

    static Stream<Arguments> transportsAndFormats() {
        return Arrays.stream(Transport.values())
                .flatMap(t -> Arrays.stream(MULTI_VALUE_FORMATS).map(f -> Arguments.of(t, f)));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void registration_announces_portfolio_and_device_links_it(Transport transport) throws Exception {
        try (Running running = ClientFixture.start(server, transport, dataDir)) {
            List<String> links = Arrays.stream(running.registration().getObjectLinks()).map(Link::getUriReference)
                    .toList();
            assertThat(links).contains("/3/0", "/16/0");

            ReadResponse extDevInfo = server.send(running.registration(), new ReadRequest(3, 0, 22));
            assertThat(extDevInfo.getCode()).isEqualTo(ResponseCode.CONTENT);
            assertThat(((LwM2mMultipleResource) extDevInfo.getContent()).getInstances().values())
                    .extracting(LwM2mResourceInstance::getValue).containsExactly(new ObjectLink(16, 0));
        }
    }

    @ParameterizedTest
    @MethodSource("transportsAndFormats")
    void server_reads_host_identities_in_gsma_numbering(Transport transport, ContentFormat format) throws Exception {
        try (Running running = ClientFixture.start(server, transport, dataDir)) {
            ReadResponse response = server.send(running.registration(), new ReadRequest(format, 16, 0));

            assertThat(response.getCode()).isEqualTo(ResponseCode.CONTENT);
            LwM2mObjectInstance instance = (LwM2mObjectInstance) response.getContent();
            assertThat(instance.getResource(0).getInstances()).hasSize(4);
            assertThat(instance.getResource(0).getInstance(0).getValue())
                    .isEqualTo("IMEI-HOST-" + running.client().endpoint());
            assertThat(instance.getResource(0).getInstance(1).getValue()).isEqualTo("Acme Meters");
            assertThat(instance.getResource(0).getInstance(2).getValue()).isEqualTo("WM-3000");
            assertThat(instance.getResource(0).getInstance(3).getValue()).isEqualTo("4.2.1");
            assertThat(instance.getResource(3).getValue()).isEqualTo(0L);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void single_values_read_as_plain_text(Transport transport) throws Exception {
        try (Running running = ClientFixture.start(server, transport, dataDir)) {
            ReadResponse model = server.send(running.registration(), new ReadRequest(ContentFormat.TEXT, "/16/0/0/2"));
            ReadResponse status = server.send(running.registration(), new ReadRequest(ContentFormat.TEXT, "/16/0/3"));

            assertThat(((LwM2mResourceInstance) model.getContent()).getValue()).isEqualTo("WM-3000");
            assertThat(((LwM2mSingleResource) status.getContent()).getValue()).isEqualTo(0L);
        }
    }

    @ParameterizedTest
    @MethodSource("transportsAndFormats")
    void conformance_create_discover_delete(Transport transport, ContentFormat format) throws Exception {
        try (Running running = ClientFixture.start(server, transport, dataDir)) {
            Registration registration = running.registration();
            String endpoint = running.client().endpoint();

            // Create /16/1 with Identity values.
            CreateResponse created = server.send(registration, new CreateRequest(format, 16,
                    new LwM2mObjectInstance(1, identities(Map.of(0, "host-2", 1, "Globex", 2, "VM-7")))));
            assertThat(created.getCode()).isEqualTo(ResponseCode.CREATED);
            // The server learns of /16/1 through a registration update.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(
                    () -> assertThat(server.leshan().getRegistrationService().getByEndpoint(endpoint)
                            .getObjectLinks()).extracting(Link::getUriReference).contains("/16/1"));
            assertThat(readExtDevInfo(registration)).containsExactly(new ObjectLink(16, 0), new ObjectLink(16, 1));
            ReadResponse read = server.send(registration, new ReadRequest(format, "/16/1/0"));
            assertThat(((LwM2mMultipleResource) read.getContent()).getInstance(1).getValue()).isEqualTo("Globex");

            // Discover /16/0: four Identity instances.
            DiscoverResponse discovered = server.send(registration, new DiscoverRequest(16, 0));
            assertThat(discovered.getCode()).isEqualTo(ResponseCode.CONTENT);
            assertThat(Arrays.stream(discovered.getObjectLinks()).map(Link::toCoreLinkFormat).toList())
                    .contains("</16/0/0>;dim=4", "</16/0/1>", "</16/0/3>");

            // Delete /16/1: its link leaves /3/0/22.
            DeleteResponse deleted = server.send(registration, new DeleteRequest(16, 1));
            assertThat(deleted.getCode()).isEqualTo(ResponseCode.DELETED);
            assertThat(readExtDevInfo(registration)).containsExactly(new ObjectLink(16, 0));
            assertThat(server.send(registration, new ReadRequest(16, 1)).getCode())
                    .isEqualTo(ResponseCode.NOT_FOUND);
        }
    }

    @ParameterizedTest
    @MethodSource("transportsAndFormats")
    void write_replace_and_update_on_instance_resource_and_resource_instance(Transport transport,
            ContentFormat format) throws Exception {
        try (Running running = ClientFixture.start(server, transport, dataDir)) {
            Registration registration = running.registration();
            server.send(registration, new CreateRequest(format, 16,
                    new LwM2mObjectInstance(1, identities(Map.of(0, "a", 1, "b", 2, "c")))));

            // Update on the instance adds and changes, keeps the rest.
            assertThat(write(registration, Mode.UPDATE, format, "/16/1",
                    new LwM2mObjectInstance(1, identities(Map.of(1, "B", 5, "e"))))).isEqualTo(ResponseCode.CHANGED);
            assertThat(identitiesOf(running, 1)).isEqualTo(Map.of(0, "a", 1, "B", 2, "c", 5, "e"));

            // Replace on the instance keeps only what was written.
            assertThat(write(registration, Mode.REPLACE, format, "/16/1",
                    new LwM2mObjectInstance(1, identities(Map.of(7, "x"))))).isEqualTo(ResponseCode.CHANGED);
            assertThat(identitiesOf(running, 1)).isEqualTo(Map.of(7, "x"));

            // Replace on the Identity resource.
            assertThat(write(registration, Mode.REPLACE, format, "/16/1/0", identities(Map.of(0, "p", 1, "q"))))
                    .isEqualTo(ResponseCode.CHANGED);
            assertThat(identitiesOf(running, 1)).isEqualTo(Map.of(0, "p", 1, "q"));

            // Update on the Identity resource merges.
            assertThat(write(registration, Mode.UPDATE, format, "/16/1/0", identities(Map.of(2, "r"))))
                    .isEqualTo(ResponseCode.CHANGED);
            assertThat(identitiesOf(running, 1)).isEqualTo(Map.of(0, "p", 1, "q", 2, "r"));

            // Replace one resource instance, then add one that did not exist.
            assertThat(write(registration, Mode.REPLACE, format, "/16/1/0/1",
                    LwM2mResourceInstance.newStringInstance(1, "Q"))).isEqualTo(ResponseCode.CHANGED);
            assertThat(write(registration, Mode.REPLACE, format, "/16/1/0/9",
                    LwM2mResourceInstance.newStringInstance(9, "new"))).isEqualTo(ResponseCode.CHANGED);
            assertThat(identitiesOf(running, 1)).isEqualTo(Map.of(0, "p", 1, "Q", 2, "r", 9, "new"));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void plain_text_write_of_one_identity_instance(Transport transport) throws Exception {
        try (Running running = ClientFixture.start(server, transport, dataDir)) {
            server.send(running.registration(), new CreateRequest(16, new LwM2mObjectInstance(1, identities(Map.of(0, "a")))));
            assertThat(write(running.registration(), Mode.REPLACE, ContentFormat.TEXT, "/16/1/0/0",
                    LwM2mResourceInstance.newStringInstance(0, "plain"))).isEqualTo(ResponseCode.CHANGED);
            assertThat(identitiesOf(running, 1)).isEqualTo(Map.of(0, "plain"));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void locked_host_instance_refuses_server_writes_and_deletes_but_not_the_host(Transport transport)
            throws Exception {
        try (Running running = ClientFixture.start(server, transport, dataDir)) {
            Registration registration = running.registration();
            Map<Integer, String> before = identitiesOf(running, 0);

            WriteResponse written = server.send(registration, new WriteRequest(Mode.REPLACE, ContentFormat.SENML_JSON,
                    "/16/0/0/1", LwM2mResourceInstance.newStringInstance(1, "Evil Corp")));
            DeleteResponse deleted = server.send(registration, new DeleteRequest(16, 0));

            assertThat(written.getCode()).isEqualTo(ResponseCode.UNAUTHORIZED);
            assertThat(written.getErrorMessage()).contains("locked");
            assertThat(deleted.getCode()).isEqualTo(ResponseCode.UNAUTHORIZED);
            assertThat(identitiesOf(running, 0)).isEqualTo(before);
            assertThat(readExtDevInfo(registration)).containsExactly(new ObjectLink(16, 0));

            running.client().hostDevice().setSoftwareVersion("4.3.0");
            assertThat(identitiesOf(running, 0)).containsEntry(3, "4.3.0");

            running.client().portfolios().unlock(0);
            assertThat(server.send(registration, new WriteRequest(Mode.REPLACE, ContentFormat.TEXT, "/16/0/0/1",
                    LwM2mResourceInstance.newStringInstance(1, "Acme"))).getCode()).isEqualTo(ResponseCode.CHANGED);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void limits_are_refused_with_a_reason_and_nothing_changes(Transport transport) throws Exception {
        try (Running running = ClientFixture.start(server, transport, dataDir)) {
            Registration registration = running.registration();
            server.send(registration, new CreateRequest(16, new LwM2mObjectInstance(1, identities(Map.of(0, "keep")))));

            WriteResponse tooLong = server.send(registration, new WriteRequest(Mode.REPLACE, ContentFormat.SENML_CBOR,
                    "/16/1/0/0", LwM2mResourceInstance.newStringInstance(0, "x".repeat(1025))));
            assertThat(tooLong.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
            assertThat(tooLong.getErrorMessage()).contains("1025 bytes", "1024");

            Map<Integer, String> many = new java.util.HashMap<>();
            for (int i = 0; i < 65; i++) {
                many.put(i, "v" + i);
            }
            WriteResponse tooMany = server.send(registration,
                    new WriteRequest(Mode.REPLACE, ContentFormat.SENML_JSON, "/16/1/0", identities(many)));
            assertThat(tooMany.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
            assertThat(tooMany.getErrorMessage()).contains("at most 64");
            assertThat(identitiesOf(running, 1)).isEqualTo(Map.of(0, "keep"));

            for (int id = 2; id < 16; id++) {
                assertThat(server.send(registration,
                        new CreateRequest(16, new LwM2mObjectInstance(id, identities(Map.of(0, "i")))))
                        .getCode()).isEqualTo(ResponseCode.CREATED);
            }
            CreateResponse seventeenth = server.send(registration,
                    new CreateRequest(16, new LwM2mObjectInstance(16, identities(Map.of(0, "i")))));
            assertThat(seventeenth.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
            assertThat(seventeenth.getErrorMessage()).contains("at most 16 Portfolio instances");
            assertThat(running.client().portfolios().all()).hasSize(16);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void read_only_resources_and_non_executable_ones_answer_method_not_allowed(Transport transport)
            throws Exception {
        try (Running running = ClientFixture.start(server, transport, dataDir)) {
            Registration registration = running.registration();

            assertThat(server.send(registration, new WriteRequest(ContentFormat.TEXT, 16, 0, 3, 1L)).getCode())
                    .isEqualTo(ResponseCode.METHOD_NOT_ALLOWED);
            assertThat(server.send(registration, new WriteRequest(Mode.REPLACE, ContentFormat.SENML_JSON, "/16/0/2",
                    LwM2mMultipleResource.newResource(2, Map.of(0, new byte[] { 1 }), Type.OPAQUE))).getCode())
                    .isEqualTo(ResponseCode.METHOD_NOT_ALLOWED);
            assertThat(server.send(registration, new ExecuteRequest("/16/0/0")).getCode())
                    .isEqualTo(ResponseCode.METHOD_NOT_ALLOWED);
            assertThat(server.send(registration, new ExecuteRequest("/16/0/3")).getCode())
                    .isEqualTo(ResponseCode.METHOD_NOT_ALLOWED);
            assertThat(server.send(registration, new ReadRequest("/16/0/1")).getCode())
                    .isEqualTo(ResponseCode.METHOD_NOT_ALLOWED);
            assertThat(server.send(registration, new ExecuteRequest("/16/9/1")).getCode())
                    .isEqualTo(ResponseCode.NOT_FOUND);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void observers_of_ext_dev_info_learn_of_local_creates_and_removes(Transport transport) throws Exception {
        try (Running running = ClientFixture.start(server, transport, dataDir)) {
            Registration registration = running.registration();
            ObserveResponse observed = server.send(registration, new ObserveRequest(ContentFormat.SENML_JSON, "/3/0/22"));
            assertThat(observed.getCode()).isEqualTo(ResponseCode.CONTENT);
            server.clearNotifications();

            int added = running.client().portfolios().create("3/0", Map.of(0, "second host part"), false);
            ObserveResponse afterAdd = server.awaitNotification("/3/0/22");
            assertThat(((LwM2mMultipleResource) afterAdd.getContent()).getInstances().values())
                    .extracting(LwM2mResourceInstance::getValue)
                    .containsExactly(new ObjectLink(16, 0), new ObjectLink(16, added));

            running.client().portfolios().remove(added);
            ObserveResponse afterRemove = server.awaitNotification("/3/0/22");
            assertThat(((LwM2mMultipleResource) afterRemove.getContent()).getInstances().values())
                    .extracting(LwM2mResourceInstance::getValue).containsExactly(new ObjectLink(16, 0));
        }
    }

    @ParameterizedTest
    @MethodSource("transportsAndFormats")
    void observers_of_instance_resource_and_resource_instance_learn_of_a_software_update(Transport transport,
            ContentFormat format) throws Exception {
        try (Running running = ClientFixture.start(server, transport, dataDir)) {
            Registration registration = running.registration();
            server.send(registration, new ObserveRequest(format, "/16/0"));
            server.send(registration, new ObserveRequest(format, "/16/0/0"));
            server.send(registration, new ObserveRequest(ContentFormat.TEXT, "/16/0/0/3"));
            server.clearNotifications();

            running.client().hostDevice().setSoftwareVersion("5.0.0");

            ObserveResponse instance = server.awaitNotification("/16/0");
            assertThat(((LwM2mObjectInstance) instance.getContent()).getResource(0).getInstance(3).getValue())
                    .isEqualTo("5.0.0");
            ObserveResponse resource = server.awaitNotification("/16/0/0");
            assertThat(((LwM2mMultipleResource) resource.getContent()).getInstance(3).getValue()).isEqualTo("5.0.0");
            ObserveResponse resourceInstance = server.awaitNotification("/16/0/0/3");
            assertThat(((LwM2mResourceInstance) resourceInstance.getContent()).getValue()).isEqualTo("5.0.0");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void two_instances_never_share_identity_storage(Transport transport) throws Exception {
        try (Running running = ClientFixture.start(server, transport, dataDir)) {
            Registration registration = running.registration();
            Map<Integer, String> hostBefore = identitiesOf(running, 0);
            server.send(registration, new CreateRequest(16, new LwM2mObjectInstance(1, identities(Map.of(0, "a", 1, "b")))));
            server.send(registration, new CreateRequest(16, new LwM2mObjectInstance(2, identities(Map.of(0, "a", 1, "b")))));

            server.send(registration, new WriteRequest(Mode.REPLACE, ContentFormat.TEXT, "/16/1/0/1",
                    LwM2mResourceInstance.newStringInstance(1, "changed")));
            server.send(registration, new WriteRequest(Mode.UPDATE, ContentFormat.TLV, "/16/2/0",
                    identities(Map.of(3, "only in 2"))));

            assertThat(identitiesOf(running, 1)).isEqualTo(Map.of(0, "a", 1, "changed"));
            assertThat(identitiesOf(running, 2)).isEqualTo(Map.of(0, "a", 1, "b", 3, "only in 2"));
            assertThat(identitiesOf(running, 0)).isEqualTo(hostBefore);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void create_with_a_non_string_identity_is_refused(Transport transport) throws Exception {
        try (Running running = ClientFixture.start(server, transport, dataDir)) {
            CreateResponse response = server.send(running.registration(), new CreateRequest(ContentFormat.SENML_JSON,
                    16, new LwM2mObjectInstance(1, LwM2mSingleResource.newIntegerResource(3, 1))));
            assertThat(response.getCode()).isIn(ResponseCode.BAD_REQUEST, ResponseCode.METHOD_NOT_ALLOWED);
            assertThat(running.client().portfolios().all()).containsOnlyKeys(0);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void an_identity_only_client_offers_no_auth_resources(Transport transport) throws Exception {
        String endpoint = ClientFixture.newEndpoint();
        try (PortfolioClient client = ClientFixture.builder(server, transport, endpoint, dataDir).identityOnly()
                .build()) {
            client.start();
            Registration registration = server.awaitRegistration(endpoint);

            LwM2mObjectInstance instance = (LwM2mObjectInstance) server
                    .send(registration, new ReadRequest(ContentFormat.SENML_JSON, 16, 0)).getContent();
            assertThat(instance.getResources()).containsOnlyKeys(0);
            assertThat(server.send(registration, new ExecuteRequest("/16/0/1")).getCode())
                    .isEqualTo(ResponseCode.NOT_FOUND);
            assertThat(server.send(registration, new ReadRequest("/16/0/3")).getCode())
                    .isEqualTo(ResponseCode.NOT_FOUND);
            DiscoverResponse discovered = server.send(registration, new DiscoverRequest(16, 0));
            assertThat(Arrays.stream(discovered.getObjectLinks()).map(Link::getUriReference).toList())
                    .containsExactly("/16/0", "/16/0/0");
        }
    }

    private static LwM2mMultipleResource identities(Map<Integer, String> values) {
        return LwM2mMultipleResource.newStringResource(0, values);
    }

    private static ResponseCode write(Registration registration, Mode mode, ContentFormat format, String path,
            org.eclipse.leshan.core.node.LwM2mNode node) throws Exception {
        WriteResponse response = server.send(registration, new WriteRequest(mode, format, path, node));
        assertThat(response.getErrorMessage()).as("error of write %s", path).isNull();
        return response.getCode();
    }

    private static Map<Integer, String> identitiesOf(Running running, int instanceId) throws Exception {
        ReadResponse response = server.send(running.registration(), new ReadRequest(ContentFormat.SENML_JSON,
                "/16/" + instanceId + "/0"));
        assertThat(response.getCode()).isEqualTo(ResponseCode.CONTENT);
        Map<Integer, String> result = new java.util.TreeMap<>();
        ((LwM2mResource) response.getContent()).getInstances()
                .forEach((id, value) -> result.put(id, (String) value.getValue()));
        assertThat(running.client().portfolios().get(instanceId).orElseThrow().identities()).isEqualTo(result);
        return result;
    }

    private static List<Object> readExtDevInfo(Registration registration) throws Exception {
        ReadResponse response = server.send(registration, new ReadRequest(ContentFormat.SENML_JSON, "/3/0/22"));
        assertThat(response.getCode()).isEqualTo(ResponseCode.CONTENT);
        return ((LwM2mMultipleResource) response.getContent()).getInstances().values().stream()
                .map(LwM2mResourceInstance::getValue).toList();
    }
}
