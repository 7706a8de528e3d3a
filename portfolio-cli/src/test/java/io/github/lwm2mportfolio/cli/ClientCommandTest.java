package io.github.lwm2mportfolio.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.testing.StrictLwm2mServer;
import io.github.lwm2mportfolio.client.testing.TestLwm2mServer;
import picocli.CommandLine;

class ClientCommandTest {

    @TempDir
    Path dataDir;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int code = commandLine.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void missing_required_options_is_bad_usage() {
        Run run = run("client", "--endpoint", "x");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required option: '--server");
    }

    @Test
    void half_a_psk_is_bad_usage() {
        Run run = run("client", "--endpoint", "x", "--server", "coaps://127.0.0.1:5684", "--psk-identity", "id");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--psk-identity and --psk-key go together");
    }

    @Test
    void a_key_that_is_not_hex_is_bad_usage() {
        Run run = run("client", "--endpoint", "x", "--server", "coaps://127.0.0.1:5684", "--psk-identity", "id",
                "--psk-key", "zz");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--psk-key must be hexadecimal");
    }

    @Test
    void an_unknown_service_is_bad_usage() {
        Run run = run("client", "--endpoint", "x", "--server", "coap://127.0.0.1:5683", "--default-service", "hash");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--default-service must be sign, mac or encrypt");
    }

    @Test
    void an_unknown_lwm2m_version_is_bad_usage() {
        Run run = run("client", "--endpoint", "x", "--server", "coap://127.0.0.1:5683", "--lwm2m-version", "1.2");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("the LwM2M version must be 1.0 or 1.1, got '1.2' (--lwm2m-version 1.0|1.1, "
                + "--advertised-format all|none|FORMAT)");
    }

    @Test
    void an_lwm2m_1_1_format_in_a_1_0_register_is_bad_usage() {
        Run run = run("client", "--endpoint", "x", "--server", "coap://127.0.0.1:5683", "--lwm2m-version", "1.0",
                "--advertised-format", "senml-cbor");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("senml-cbor is an LwM2M 1.1 format; an LwM2M 1.0 Register can advertise "
                + "text, opaque, tlv or json");
    }

    @Test
    void refused_by_a_strict_server_the_client_says_what_it_changed_and_registers_as_lwm2m_1_0() throws Exception {
        try (StrictLwm2mServer server = new StrictLwm2mServer(StrictLwm2mServer.Rule.SINGLE_CT)) {
            CommandLine commandLine = PortfolioCommand.newCommandLine();
            StringWriter out = new StringWriter();
            commandLine.setOut(new PrintWriter(out));
            Thread client = new Thread(() -> commandLine.execute("client", "--endpoint", "cli-strict-1", "--server",
                    server.coapUri(), "--data", dataDir.toString(), "--host-id", "HOST-7"));
            client.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("registered cli-strict-1"));
            } finally {
                client.interrupt();
                client.join(10_000);
            }

            assertThat(out.toString()).contains("cli-strict-1: " + server.coapUri() + " refused the Register as "
                    + "LwM2M 1.1, ct=every optional format (4.00 Bad Request: the root link's ct must be one content "
                    + "format); registering as LwM2M 1.0, ct=11543 now and from now on\n", "registered cli-strict-1 at "
                    + server.coapUri() + " as LwM2M 1.0, ct=11543 (host instance /16/0)");
            assertThat(server.registers()).extracting(register -> register.query().get("lwm2m"))
                    .containsExactly("1.1", "1.0");
        }
    }

    @Test
    void a_bad_server_uri_is_bad_usage_in_one_line() {
        Run run = run("client", "--endpoint", "x", "--server", "http://127.0.0.1", "--data", dataDir.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst().orElse(""))
                .isEqualTo("--server must be coap://HOST:PORT or coaps://HOST:PORT, got 'http://127.0.0.1'");
        assertThat(run.err()).doesNotContain("Exception");
    }

    @Test
    void a_corrupt_store_is_reported_with_its_path() throws Exception {
        java.nio.file.Files.writeString(dataDir.resolve("portfolio.json"), "{ not json");

        Run run = run("client", "--endpoint", "x", "--server", "coap://127.0.0.1:5683", "--data", dataDir.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(dataDir.resolve("portfolio.json").toString());
        assertThat(java.nio.file.Files.readString(dataDir.resolve("portfolio.json"))).isEqualTo("{ not json");
    }

    @Test
    void client_process_registers_serves_host_identities_and_deregisters_on_interrupt() throws Exception {
        try (TestLwm2mServer server = new TestLwm2mServer()) {
            Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", System.getProperty("java.class.path"), PortfolioCommand.class.getName(),
                    "client", "--endpoint", "cli-meter-1", "--server", server.coapUri(), "--data",
                    dataDir.toString(), "--host-id", "HOST-42", "--host-manufacturer", "Acme", "--host-model",
                    "M1", "--host-sw-version", "1.0.0")).redirectErrorStream(true).start();
            try {
                // A new JVM builds its keystore before it registers: give it time on a busy machine.
                Registration registration = server.awaitRegistration("cli-meter-1", java.time.Duration.ofSeconds(60));
                ReadResponse response = server.send(registration, new ReadRequest(ContentFormat.SENML_JSON, 16, 0));
                LwM2mObjectInstance instance = (LwM2mObjectInstance) response.getContent();
                Map<Integer, ?> identities = instance.getResource(0).getInstances();
                assertThat(identities).hasSize(4);
                assertThat(instance.getResource(0).getInstance(0).getValue()).isEqualTo("HOST-42");
                assertThat(instance.getResource(0).getInstance(1).getValue()).isEqualTo("Acme");

                // SIGTERM runs the shutdown hook as Ctrl-C does; the handle leaves our end of stdout open.
                process.toHandle().destroy();

                server.awaitDeregistration("cli-meter-1");
                assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(output).contains("registered cli-meter-1", "stopping: deregistering cli-meter-1");
            } finally {
                process.destroyForcibly();
            }
        }
    }
}
