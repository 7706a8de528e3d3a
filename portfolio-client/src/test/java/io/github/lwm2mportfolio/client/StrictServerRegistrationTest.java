package io.github.lwm2mportfolio.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.leshan.core.LwM2m.LwM2mVersion;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.ObjectLink;
import org.eclipse.leshan.core.node.codec.DefaultLwM2mDecoder;
import org.eclipse.leshan.core.node.codec.DefaultLwM2mEncoder;
import org.eclipse.leshan.core.request.ContentFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.registration.RegistrationBackOff;
import io.github.lwm2mportfolio.client.registration.RegistrationForm;
import io.github.lwm2mportfolio.client.testing.StrictLwm2mServer;
import io.github.lwm2mportfolio.client.testing.StrictLwm2mServer.Received;
import io.github.lwm2mportfolio.client.testing.StrictLwm2mServer.Rule;
import io.github.lwm2mportfolio.core.auth.AuthDataVerifier;
import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.core.auth.Expectation;
import io.github.lwm2mportfolio.core.auth.Verdict;
import io.github.lwm2mportfolio.core.auth.VerifierKeys;
import io.github.lwm2mportfolio.core.model.HostIdentity;
import io.github.lwm2mportfolio.core.model.PortfolioModels;

/**
 * Our client against servers stricter or older than Leshan ({@link StrictLwm2mServer}, Californium only): it registers
 * with them, falling back once to LwM2M 1.0 when refused, and object 16, /3/0/22 and GetAuthData then work in the
 * formats a 1.0 server uses (TLV and plain text).
 */
class StrictServerRegistrationTest {

    /**
     * The whole 1.0 Register payload: no ver on /3 (Device 1.0 is 1.0's default) nor on /16 (version 1.0); the Server
     * object the client serves is 1.1, and it says so.
     */
    private static final String LWM2M_1_0_LINKS = "</>;rt=\"oma.lwm2m\";ct=11543,</1>;ver=1.1,</1/0>,</3/0>,</16/0>";

    private static final int TLV = ContentFormat.TLV_CODE;
    private static final int TEXT = ContentFormat.TEXT_CODE;
    private static final int OLD_TLV = ContentFormat.OLD_TLV_CODE;
    private static final StaticModel MODEL = new StaticModel(PortfolioModels.clientModels());
    private static final byte[] NONCE = "strict-nonce-001".getBytes(StandardCharsets.US_ASCII);

    private final BlockingQueue<String> notices = new LinkedBlockingQueue<>();

    @TempDir
    Path dataDir;

    @Test
    void refused_for_its_quoted_ct_the_client_registers_once_more_as_lwm2m_1_0_and_says_so() throws Exception {
        try (StrictLwm2mServer server = new StrictLwm2mServer(Rule.SINGLE_CT);
                PortfolioClient client = client(server, RegistrationForm.DEFAULT)) {
            client.start();

            Received refused = server.awaitRegister();
            assertThat(refused.answer()).isEqualTo(ResponseCode.BAD_REQUEST);
            assertThat(refused.query()).containsEntry("lwm2m", "1.1");
            assertThat(refused.payload()).startsWith("</>;rt=\"oma.lwm2m\";ct=\"");
            Received accepted = server.awaitRegister();
            assertThat(accepted.answer()).isEqualTo(ResponseCode.CREATED);
            assertThat(accepted.query()).containsEntry("lwm2m", "1.0").containsEntry("ep", client.endpoint())
                    .containsEntry("b", "U").doesNotContainKey("Q");
            assertThat(accepted.payload()).isEqualTo(LWM2M_1_0_LINKS);
            assertThat(notice()).isEqualTo(client.endpoint() + ": " + server.coapUri() + " refused the Register as "
                    + "LwM2M 1.1, ct=every optional format (4.00 Bad Request: the root link's ct must be one content "
                    + "format); registering as LwM2M 1.0, ct=11543 now and from now on");
            assertThat(client.registrationForm()).isEqualTo(RegistrationForm.CONSERVATIVE);

            drivesObject16AsAnLwm2m10Server(server, accepted.client(), client);
        }
    }

    @Test
    void a_server_that_accepts_only_lwm2m_1_0_answers_4_12_and_the_client_falls_back() throws Exception {
        try (StrictLwm2mServer server = new StrictLwm2mServer(Rule.LWM2M_1_0_ONLY);
                PortfolioClient client = client(server, RegistrationForm.DEFAULT)) {
            client.start();

            assertThat(server.awaitRegister().answer()).isEqualTo(ResponseCode.PRECONDITION_FAILED);
            Received accepted = server.awaitRegister();
            assertThat(accepted.query()).containsEntry("lwm2m", "1.0");
            assertThat(accepted.payload()).isEqualTo(LWM2M_1_0_LINKS);
            assertThat(notice()).contains("(4.12 Precondition Failed: LwM2M version 1.1 is not supported, only 1.0)");

            drivesObject16AsAnLwm2m10Server(server, accepted.client(), client);
        }
    }

    @Test
    void the_fallback_form_is_kept_for_updates_and_for_the_next_registration_with_that_server() throws Exception {
        try (StrictLwm2mServer server = new StrictLwm2mServer(Rule.SINGLE_CT);
                PortfolioClient client = client(server, RegistrationForm.DEFAULT)) {
            client.start();
            server.awaitAcceptedRegister();
            assertThat(notice()).contains("registering as LwM2M 1.0, ct=11543 now and from now on");

            int created = client.portfolios().create("3/0", Map.of(0, "extra host data"), false);
            Received update = server.awaitUpdate();
            assertThat(update.payload())
                    .isEqualTo("</>;rt=\"oma.lwm2m\",</1>;ver=1.1,</1/0>,</3/0>,</16/0>,</16/" + created + ">");

            client.stop(true);
            client.start();
            Received again = server.awaitRegister();
            assertThat(again.accepted()).isTrue();
            assertThat(again.query()).containsEntry("lwm2m", "1.0");
            assertThat(server.registers()).extracting(Received::accepted).containsExactly(false, true, true);
            assertThat(notices).as("no second notice: nothing changed").isEmpty();
        }
    }

    @Test
    void an_instance_created_while_the_register_is_unanswered_reaches_the_server_in_an_update_with_links()
            throws Exception {
        try (StrictLwm2mServer server = new StrictLwm2mServer(Rule.LWM2M_1_0_ONLY, Rule.SINGLE_CT);
                PortfolioClient client = client(server, RegistrationForm.parse("1.0", "all"))) {
            CountDownLatch answer = server.holdAcceptedRegisters();
            client.start();
            Received register = server.awaitRegister();

            int created = client.portfolios().create("3/0", Map.of(0, "extra host data"), false);
            answer.countDown();

            assertThat(register.payload()).doesNotContain("</16/" + created + ">");
            assertThat(server.awaitUpdate().payload()).contains("</16/" + created + ">");
        }
    }

    @Test
    void a_client_set_to_lwm2m_1_0_registers_at_once_with_a_1_0_only_server() throws Exception {
        try (StrictLwm2mServer server = new StrictLwm2mServer(Rule.LWM2M_1_0_ONLY, Rule.SINGLE_CT);
                PortfolioClient client = client(server, RegistrationForm.parse("1.0", "all"))) {
            client.start();

            Received accepted = server.awaitRegister();
            assertThat(accepted.accepted()).isTrue();
            assertThat(accepted.payload()).isEqualTo(LWM2M_1_0_LINKS);
            assertThat(notices).isEmpty();

            drivesObject16AsAnLwm2m10Server(server, accepted.client(), client);
        }
    }

    @Test
    void one_advertised_format_is_a_bare_ct_and_the_client_still_reads_and_writes_the_others() throws Exception {
        try (StrictLwm2mServer server = new StrictLwm2mServer(Rule.SINGLE_CT);
                PortfolioClient client = client(server, RegistrationForm.parse("1.1", "senml-cbor"))) {
            client.start();

            Received accepted = server.awaitRegister();
            assertThat(accepted.accepted()).isTrue();
            assertThat(accepted.query()).containsEntry("lwm2m", "1.1");
            assertThat(accepted.payload())
                    .isEqualTo("</>;rt=\"oma.lwm2m\";ct=112,</1/0>,</3>;ver=1.0,</3/0>,</16/0>");
            assertThat(client.registrationForm()).isEqualTo(RegistrationForm.parse("1.1", "senml-cbor"));

            drivesObject16AsAnLwm2m10Server(server, accepted.client(), client);
        }
    }

    @Test
    void advertising_no_format_leaves_ct_out_of_the_root_link() throws Exception {
        try (StrictLwm2mServer server = new StrictLwm2mServer(Rule.LWM2M_1_0_ONLY);
                PortfolioClient client = client(server, RegistrationForm.parse("1.0", "none"))) {
            client.start();

            assertThat(server.awaitRegister().payload())
                    .isEqualTo("</>;rt=\"oma.lwm2m\",</1>;ver=1.1,</1/0>,</3/0>,</16/0>");
        }
    }

    @Test
    void when_the_fallback_is_refused_too_the_client_says_why_once_and_backs_off() throws Exception {
        try (StrictLwm2mServer server = new StrictLwm2mServer(Rule.REFUSE_ALL);
                PortfolioClient client = builder(server, RegistrationForm.DEFAULT)
                        .registrationBackOff(new RegistrationBackOff(Duration.ofSeconds(1), Duration.ofSeconds(2)))
                        .build()) {
            client.start();

            assertThat(server.awaitRegister().query()).containsEntry("lwm2m", "1.1");
            assertThat(server.awaitRegister().query()).containsEntry("lwm2m", "1.0");
            assertThat(notice()).contains("registering as LwM2M 1.0, ct=11543 now and from now on");
            // The server's reason stays on the line, its line break made harmless.
            assertThat(notice()).isEqualTo(client.endpoint() + ": registration refused by " + server.coapUri()
                    + " (4.00 Bad Request: unknown endpoint??WARN forged log line) in the form LwM2M 1.0, ct=11543: "
                    + "the server does not take this LwM2M version or these content formats; next attempt in 1 s");
            long refusedAt = System.nanoTime();

            // The next attempt comes after the wait, in the kept form, and alone (no second fallback); the reason
            // is not explained again, the wait doubles up to its longest.
            Received next = server.awaitRegister();
            assertThat(Duration.ofNanos(System.nanoTime() - refusedAt)).isGreaterThan(Duration.ofMillis(900));
            assertThat(next.query()).containsEntry("lwm2m", "1.0");
            assertThat(notice()).isEqualTo(client.endpoint() + ": not registered at " + server.coapUri()
                    + " (same reason); next attempt in 2 s");
            server.awaitRegister();
            assertThat(notice()).endsWith("(same reason); next attempt in 2 s");
            assertThat(server.registers()).hasSize(4);
        }
    }

    /**
     * What an LwM2M 1.0 server does with object 16: reads /3/0/22 and the host instance in TLV, AuthStatus in plain
     * text, creates and writes an instance in TLV (also under the pre-1.0.0 code 1542), writes plain text, runs
     * GetAuthData and reads AuthData in TLV; and reads in OMA JSON, the one format a 1.0 Register advertises.
     */
    private void drivesObject16AsAnLwm2m10Server(StrictLwm2mServer server, InetSocketAddress address,
            PortfolioClient client) throws Exception {
        Response extDevInfo = server.get(address, "/3/0/22", TLV);
        assertThat(extDevInfo.getCode()).isEqualTo(ResponseCode.CONTENT);
        assertThat(extDevInfo.getOptions().getContentFormat()).isEqualTo(TLV);
        LwM2mMultipleResource links = decode(extDevInfo, TLV, "/3/0/22");
        assertThat(links.getInstances().values()).extracting(LwM2mResourceInstance::getValue)
                .containsExactly(new ObjectLink(16, 0));

        LwM2mObjectInstance host = decode(server.get(address, "/16/0", TLV), TLV, "/16/0");
        assertThat(host.getResource(0).getInstances().values()).extracting(LwM2mResourceInstance::getValue)
                .containsExactly("IMEI-HOST-" + client.endpoint(), "Acme Meters", "WM-3000", "4.2.1");
        Response status = server.get(address, "/16/0/3", TEXT);
        assertThat(status.getOptions().getContentFormat()).isEqualTo(TEXT);
        assertThat(status.getPayloadString()).isEqualTo("0");

        LwM2mObjectInstance extra = new LwM2mObjectInstance(5,
                LwM2mMultipleResource.newStringResource(0, Map.of(0, "extra host data")));
        Response created = server.post(address, "/16", TLV, encode(extra, TLV, "/16"));
        assertThat(created.getCode()).as(created.getPayloadString()).isEqualTo(ResponseCode.CREATED);
        Response written = server.put(address, "/16/5/0", TLV,
                encode(LwM2mMultipleResource.newStringResource(0, Map.of(0, "changed", 1, "second")), TLV,
                        "/16/5/0"));
        assertThat(written.getCode()).as(written.getPayloadString()).isEqualTo(ResponseCode.CHANGED);
        assertThat(client.portfolios().get(5).orElseThrow().identities()).containsExactly(Map.entry(0, "changed"),
                Map.entry(1, "second"));
        // Servers older than LwM2M 1.0.0 say TLV with the code 1542.
        Response oldTlv = server.put(address, "/16/5/0", OLD_TLV,
                encode(LwM2mMultipleResource.newStringResource(0, Map.of(0, "old code")), TLV, "/16/5/0"));
        assertThat(oldTlv.getCode()).as(oldTlv.getPayloadString()).isEqualTo(ResponseCode.CHANGED);
        Response readOld = server.get(address, "/16/5", OLD_TLV);
        assertThat(readOld.getOptions().getContentFormat()).isEqualTo(OLD_TLV);
        LwM2mObjectInstance oldInstance = (LwM2mObjectInstance) new DefaultLwM2mDecoder().decode(readOld.getPayload(),
                ContentFormat.TLV, null, new LwM2mPath("/16/5"), MODEL);
        assertThat(oldInstance.getResource(0).getInstance(0).getValue()).isEqualTo("old code");
        Response offset = server.put(address, "/3/0/14", TEXT, "+01:00".getBytes(StandardCharsets.UTF_8));
        assertThat(offset.getCode()).isEqualTo(ResponseCode.CHANGED);
        assertThat(server.get(address, "/3/0/14", TEXT).getPayloadString()).isEqualTo("+01:00");

        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(NONCE);
        Response executed = server.post(address, "/16/0/1", TEXT,
                ("0='1',1='mac',2='" + nonce + "'").getBytes(StandardCharsets.UTF_8));
        assertThat(executed.getCode()).as(executed.getPayloadString()).isEqualTo(ResponseCode.CHANGED);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> server.get(address, "/16/0/3", TEXT).getPayloadString().equals("1"));
        LwM2mMultipleResource authData = decode(server.get(address, "/16/0/2", TLV), TLV, "/16/0/2");
        assertThat(authData.getInstances()).containsOnlyKeys(1);
        Verdict verdict = new AuthDataVerifier().verify((byte[]) authData.getInstance(1).getValue(),
                new Expectation(client.endpoint(), "/16/0", 1, "Acme Meters", NONCE, -1, AuthService.MAC),
                VerifierKeys.fleet(ClientFixture.FLEET_MASTER_KEY, List.of()));
        assertThat(verdict.accepted()).as(verdict.message()).isTrue();

        Response json = server.get(address, "/16/0", ContentFormat.JSON_CODE);
        assertThat(json.getCode()).isEqualTo(ResponseCode.CONTENT);
        LwM2mObjectInstance inJson = decode(json, ContentFormat.JSON_CODE, "/16/0");
        assertThat(inJson.getResource(0).getInstance(2).getValue()).isEqualTo("WM-3000");
    }

    private PortfolioClient client(StrictLwm2mServer server, RegistrationForm form) {
        return builder(server, form).build();
    }

    private PortfolioClient.Builder builder(StrictLwm2mServer server, RegistrationForm form) {
        String endpoint = ClientFixture.newEndpoint();
        return PortfolioClient.builder(endpoint).serverUri(server.coapUri()).dataDirectory(dataDir)
                .localAddress(InetAddress.getLoopbackAddress()).fleetMasterKey(ClientFixture.FLEET_MASTER_KEY)
                .registrationForm(form).registrationNotices(notices::add)
                .hostIdentity(HostIdentity.UNIQUE_ID, "IMEI-HOST-" + endpoint)
                .hostIdentity(HostIdentity.MANUFACTURER, "Acme Meters")
                .hostIdentity(HostIdentity.MODEL, "WM-3000")
                .hostIdentity(HostIdentity.SOFTWARE_VERSION, "4.2.1");
    }

    private String notice() throws InterruptedException {
        String notice = notices.poll(10, TimeUnit.SECONDS);
        assertThat(notice).as("a registration notice").isNotNull();
        return notice;
    }

    @SuppressWarnings("unchecked")
    private static <T extends LwM2mNode> T decode(Response response, int format, String path) {
        assertThat(response.getCode()).as(path + ": " + response.getPayloadString()).isEqualTo(ResponseCode.CONTENT);
        assertThat(response.getOptions().getContentFormat()).isEqualTo(format);
        return (T) new DefaultLwM2mDecoder().decode(response.getPayload(), ContentFormat.fromCode(format), null,
                new LwM2mPath(path), MODEL);
    }

    private static byte[] encode(LwM2mNode node, int format, String path) {
        return new DefaultLwM2mEncoder().encode(node, ContentFormat.fromCode(format), null, new LwM2mPath(path),
                MODEL);
    }
}
