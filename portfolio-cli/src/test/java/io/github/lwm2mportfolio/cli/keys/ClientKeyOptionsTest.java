package io.github.lwm2mportfolio.cli.keys;

import static io.github.lwm2mportfolio.cli.keys.KeysCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.eclipse.leshan.core.peer.RpkIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.cli.PortfolioCommand;
import io.github.lwm2mportfolio.core.keys.Pem;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.inventory.DeviceCredential;
import picocli.CommandLine;

/** {@code portfolio client} with the device's own key (--rpk, --x509) and secrets in files. */
class ClientKeyOptionsTest {

    @TempDir
    Path dir;

    private Path ownerOnly(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void x509_without_the_server_certificate_is_bad_usage() {
        KeysCommandTest.Run run = run("client", "--endpoint", "m", "--server", "coaps://127.0.0.1:5684", "--x509",
                "--data", dir.resolve("m").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--x509 needs --server-certificate FILE");
    }

    @Test
    void x509_with_the_self_signed_key_of_a_first_start_says_to_have_the_ca_issue_one() throws Exception {
        Path serverCertificate = dir.resolve("server.pem");
        run("keys", "ca", "--out", dir.resolve("other").toString());
        Files.copy(dir.resolve("other/ca.pem"), serverCertificate);

        KeysCommandTest.Run run = run("client", "--endpoint", "m", "--server", "coaps://127.0.0.1:5684", "--x509",
                "--server-certificate", serverCertificate.toString(), "--data", dir.resolve("m").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("is self-signed; have the fleet CA issue one");
    }

    @Test
    void psk_and_a_device_key_together_are_bad_usage() {
        KeysCommandTest.Run run = run("client", "--endpoint", "m", "--server", "coaps://127.0.0.1:5684", "--rpk",
                "--psk-identity", "m", "--psk-key", "00", "--data", dir.resolve("m").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("choose one DTLS security: PSK, --rpk or --x509");
    }

    @Test
    void a_psk_file_that_others_may_read_is_refused_by_name() throws Exception {
        Path psk = dir.resolve("psk");
        Files.writeString(psk, "000102030405060708090a0b0c0d0e0f\n");
        Files.setPosixFilePermissions(psk, PosixFilePermissions.fromString("rw-r--r--"));

        KeysCommandTest.Run run = run("client", "--endpoint", "m", "--server", "coaps://127.0.0.1:5684",
                "--psk-identity", "m", "--psk-key-file", psk.toString(), "--data", dir.resolve("m").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--psk-key-file " + psk + " holds a secret but others may read it");
    }

    @Test
    void a_fleet_key_file_that_is_not_hex_is_bad_usage() throws Exception {
        Path key = ownerOnly("fleet", "not hex\n");

        KeysCommandTest.Run run = run("client", "--endpoint", "m", "--server", "coap://127.0.0.1:5683",
                "--fleet-key-file", key.toString(), "--data", dir.resolve("m").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--fleet-key-file " + key + ": the first line must be hexadecimal");
    }

    @Test
    void a_psk_key_on_the_command_line_warns_that_it_shows_in_the_process_list() {
        // coap:// with a PSK fails at once, after the options were read
        KeysCommandTest.Run run = run("client", "--endpoint", "m", "--server", "coap://127.0.0.1:5683",
                "--psk-identity", "m", "--psk-key", "000102", "--data", dir.resolve("m").toString());

        assertThat(run.err()).contains("portfolio: warning: --psk-key shows in the process list of this machine; use "
                + "--psk-key-file FILE (mode 0600)");
    }

    @Test
    void a_client_with_rpk_registers_with_the_key_of_its_data_directory() throws Exception {
        Path ca = dir.resolve("ca");
        Path device = dir.resolve("meter-rpk");
        run("keys", "ca", "--out", ca.toString());
        run("keys", "device", "--ca", ca.toString(), "--endpoint", "meter-rpk", "--out", device.toString());
        var publicKey = Pem.certificates(Files.readAllBytes(device.resolve("device.pem"))).get(0).getPublicKey();
        try (PortfolioServer server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0)
                .httpPort(-1).dataDirectory(dir.resolve("server")).build()) {
            server.start();
            server.inventory().putCredential(new DeviceCredential("meter-rpk", DeviceCredential.Kind.RPK, null,
                    publicKey.getEncoded()));
            Path serverCertificate = dir.resolve("server.pem");
            Files.writeString(serverCertificate, Pem.encode(server.serverCertificate()));
            CommandLine commandLine = PortfolioCommand.newCommandLine();
            StringWriter out = new StringWriter();
            commandLine.setOut(new PrintWriter(out));
            Thread client = new Thread(() -> commandLine.execute("client", "--endpoint", "meter-rpk", "--server",
                    server.coapsUri(), "--rpk", "--server-certificate", serverCertificate.toString(), "--data",
                    device.toString()));
            client.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("registered meter-rpk"));
                assertThat(server.lwm2mServer().getRegistrationService().getByEndpoint("meter-rpk")
                        .getClientTransportData().getIdentity()).isEqualTo(new RpkIdentity(publicKey));
            } finally {
                client.interrupt();
                client.join(10_000);
            }
        }
        assertThat(List.of(device.toFile().list())).contains("keys.p12", "keys.password", "device.pem");
    }
}
