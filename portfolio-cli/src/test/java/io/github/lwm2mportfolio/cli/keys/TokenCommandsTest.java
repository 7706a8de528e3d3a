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
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.cli.PortfolioCommand;
import io.github.lwm2mportfolio.client.testing.SoftHsmToken;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.DeviceDetail;
import picocli.CommandLine;

/** A device whose key lives in a PKCS#11 token (SoftHSM2): certified through a CSR, COMPLIANT with sign AuthData. */
class TokenCommandsTest {

    @TempDir
    Path dir;

    @Test
    void a_token_label_no_token_has_is_bad_usage_naming_the_labels_there_are() throws Exception {
        SoftHsmToken.emptyToken();
        Path pin = dir.resolve("pin");
        Files.writeString(pin, SoftHsmToken.PIN + "\n");
        Files.setPosixFilePermissions(pin, PosixFilePermissions.fromString("rw-------"));
        String[] client = { "client", "--endpoint", "meter-label", "--server", "coap://127.0.0.1:5683", "--data",
            dir.resolve("meter-label").toString(), "--token-library", SoftHsmToken.LIBRARY.toString(),
            "--token-pin-file", pin.toString() };

        KeysCommandTest.Run unknown = run(concat(client, new String[] { "--token-label", "nope" }));
        KeysCommandTest.Run both = run(concat(client, new String[] { "--token-label", SoftHsmToken.LABEL,
            "--token-slot-index", "0" }));

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("--token-label 'nope': no token with this label in "
                + SoftHsmToken.LIBRARY + "; its tokens: '" + SoftHsmToken.LABEL + "'\n");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("--token-label and --token-slot-index exclude each other");
    }

    @Test
    void a_token_key_certified_through_a_csr_makes_the_device_compliant() throws Exception {
        SoftHsmToken.emptyToken();
        Path pin = dir.resolve("pin");
        Files.writeString(pin, SoftHsmToken.PIN + "\n");
        Files.setPosixFilePermissions(pin, PosixFilePermissions.fromString("rw-------"));
        Path ca = dir.resolve("ca");
        Path device = dir.resolve("meter-hsm");
        String[] token = { "--token-library", SoftHsmToken.LIBRARY.toString(), "--token-pin-file", pin.toString() };
        run("keys", "ca", "--out", ca.toString());

        KeysCommandTest.Run csr = run(concat(new String[] { "keys", "csr", "--data", device.toString(), "--endpoint",
                "meter-hsm", "--out", dir.resolve("meter-hsm.csr").toString() }, token));
        KeysCommandTest.Run signed = run("keys", "sign-csr", "--ca", ca.toString(), "--csr",
                dir.resolve("meter-hsm.csr").toString(), "--out", device.resolve("device.pem").toString());

        assertThat(csr.exitCode()).as(csr.err()).isZero();
        assertThat(signed.exitCode()).as(signed.err()).isZero();
        assertThat(device.resolve("keys.p12")).as("the key stayed in the token").doesNotExist();
        try (PortfolioServer server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0)
                .httpPort(-1).dataDirectory(dir.resolve("server")).trustDirectory(ca).build()) {
            server.inventory().replaceCertifications(new CertificationList(
                    List.of(new Certification("Northwind Metering", "NW-E350", "3.4.1")), Set.of()));
            server.start();
            CommandLine commandLine = PortfolioCommand.newCommandLine();
            StringWriter out = new StringWriter();
            commandLine.setOut(new PrintWriter(out));
            Thread client = new Thread(() -> commandLine.execute(concat(new String[] { "client", "--endpoint",
                    "meter-hsm", "--server", server.coapUri(), "--data", device.toString(), "--host-id", "HOST-HSM",
                    "--host-manufacturer", "Northwind Metering", "--host-model", "NW-E350", "--host-sw-version",
                    "3.4.1" }, token)));
            client.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> server.inventory().device("meter-hsm")
                        .map(d -> d.summary().state() == ComplianceState.COMPLIANT).orElse(false));
                DeviceDetail detail = server.inventory().device("meter-hsm").orElseThrow();
                assertThat(detail.summary().lastVerification().service()).isEqualTo("sign");
            } finally {
                client.interrupt();
                client.join(10_000);
            }
        }
    }

    @Test
    void a_token_key_cannot_do_x509_dtls_and_says_why() throws Exception {
        Path pin = dir.resolve("pin");
        Files.writeString(pin, "1234\n");
        Files.setPosixFilePermissions(pin, PosixFilePermissions.fromString("rw-------"));

        KeysCommandTest.Run run = run("client", "--endpoint", "m", "--server", "coaps://127.0.0.1:5684", "--x509",
                "--server-certificate", "none.pem", "--token-library", "/none.so", "--token-pin-file", pin.toString(),
                "--data", dir.resolve("m").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("use PSK for DTLS with --token-library");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
