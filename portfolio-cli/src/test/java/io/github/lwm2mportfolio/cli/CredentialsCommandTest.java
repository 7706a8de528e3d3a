package io.github.lwm2mportfolio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.inventory.DeviceCredential;
import picocli.CommandLine;

class CredentialsCommandTest {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    @TempDir
    Path dataDir;

    private PortfolioServer server;
    private String adminToken;

    private record Run(int exitCode, String out, String err) {
    }

    @BeforeEach
    void startServer() throws Exception {
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(0)
                .dataDirectory(dataDir).build();
        server.start();
        adminToken = server.tokens().create("admin", Role.ADMIN).secret();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** Runs the command with the admin token (in-process: the token cannot come from the environment). */
    /** With the admin token in an owner-only file: --token would add its process-list warning. */
    private Run run(String... args) throws java.io.IOException {
        Path tokenFile = dataDir.resolve("admin.token");
        Files.writeString(tokenFile, adminToken + "\n");
        Files.setPosixFilePermissions(tokenFile, OWNER_ONLY);
        List<String> arguments = new ArrayList<>(List.of(args));
        arguments.addAll(List.of("--token-file", tokenFile.toString()));
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return new Run(commandLine.execute(arguments.toArray(String[]::new)), out.toString(), err.toString());
    }

    @Test
    void a_psk_credential_is_added_listed_without_its_key_and_removed() throws Exception {
        Run added = run("credentials", "add", "--url", server.restUri(), "--endpoint", "meter-7", "--psk-identity",
                "id-7", "--psk-key", "00112233445566778899aabbccddeeff");
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(server.inventory().credential("meter-7")).hasValueSatisfying(c -> {
            assertThat(c.kind()).isEqualTo(DeviceCredential.Kind.PSK);
            assertThat(c.secret()).startsWith(0x00, 0x11, 0x22, 0x33).hasSize(16);
        });

        Run listed = run("credentials", "list", "--url", server.restUri());
        assertThat(listed.out()).contains("meter-7  PSK  id-7", "1 credential\n").doesNotContain("00112233");

        Run removed = run("credentials", "remove", "--url", server.restUri(), "--endpoint", "meter-7");
        assertThat(removed.exitCode()).isZero();
        assertThat(server.inventory().credential("meter-7")).isEmpty();
    }

    @Test
    void a_psk_comes_from_a_file_as_the_documented_way() throws Exception {
        Path keyFile = Files.setPosixFilePermissions(
                Files.writeString(dataDir.resolve("meter-8.psk"), "ffeeddccbbaa99887766554433221100\n"), OWNER_ONLY);

        Run added = run("credentials", "add", "--url", server.restUri(), "--endpoint", "meter-8", "--psk-identity",
                "id-8", "--psk-key-file", keyFile.toString());

        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(server.inventory().credential("meter-8").orElseThrow().secret())
                .isEqualTo(HexFormat.of().parseHex("ffeeddccbbaa99887766554433221100"));
    }

    @Test
    void a_psk_of_8_bytes_is_refused_by_the_server_with_the_reason() throws Exception {
        Run added = run("credentials", "add", "--url", server.restUri(), "--endpoint", "meter-9", "--psk-identity",
                "id-9", "--psk-key", "0011223344556677");

        assertThat(added.exitCode()).isEqualTo(1);
        assertThat(added.err().strip()).isEqualTo("portfolio: a pre-shared key must be 16 to 64 bytes (32 to 128 hex "
                + "digits), got 8 (HTTP 400)");
        assertThat(server.inventory().credential("meter-9")).isEmpty();
    }

    @Test
    void removing_an_unknown_credential_is_a_one_line_failure() throws Exception {
        Run removed = run("credentials", "remove", "--url", server.restUri(), "--endpoint", "nobody");

        assertThat(removed.exitCode()).isEqualTo(1);
        assertThat(removed.err().strip()).startsWith("portfolio: ").contains("404").doesNotContain("\n");
    }

    @Test
    void psk_and_x509_together_is_bad_usage() throws Exception {
        Run both = run("credentials", "add", "--url", server.restUri(), "--endpoint", "x", "--psk-identity", "i",
                "--psk-key", "00", "--x509");

        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("expected only one match");
    }

    @Test
    void a_psk_key_that_is_not_hex_is_bad_usage() throws Exception {
        Run bad = run("credentials", "add", "--url", server.restUri(), "--endpoint", "x", "--psk-identity", "i",
                "--psk-key", "xyz");

        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--psk-key must be hexadecimal");
        assertThat(server.inventory().credential("x")).isEmpty();
    }
}
