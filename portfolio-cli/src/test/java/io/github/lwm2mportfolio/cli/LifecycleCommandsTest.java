package io.github.lwm2mportfolio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.Revocations;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.inventory.DeviceAction;
import picocli.CommandLine;

/** {@code portfolio devices}, {@code certifications} and {@code revocations} against a running server. */
class LifecycleCommandsTest {

    private static final String HEADER = "manufacturer,model,software_version\n";

    @TempDir
    Path dir;

    private PortfolioServer server;
    private String adminToken;
    private String viewerToken;

    private record Run(int exitCode, String out, String err) {
    }

    @BeforeEach
    void startServer() throws Exception {
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(0)
                .dataDirectory(dir.resolve("server")).build();
        server.start();
        adminToken = server.tokens().create("alice", Role.ADMIN).secret();
        viewerToken = server.tokens().create("vic", Role.VIEWER).secret();
        server.inventory().registered("meter-1", "1.1", false, Instant.now());
        server.inventory().replaceCertifications(new CertificationList(
                List.of(new Certification("Acme", "Meter", "1.0")), Set.of()));
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** With the token in an owner-only file: --token would add its process-list warning. */
    private Run run(String token, String... args) {
        Path tokenFile = dir.resolve("token");
        try {
            Files.writeString(tokenFile, token + "\n");
            Files.setPosixFilePermissions(tokenFile, java.nio.file.attribute.PosixFilePermissions.fromString(
                    "rw-------"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<String> arguments = new ArrayList<>(List.of(args));
        arguments.addAll(List.of("--url", server.restUri() + "/api", "--token-file", tokenFile.toString()));
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return new Run(commandLine.execute(arguments.toArray(String[]::new)), out.toString(), err.toString());
    }

    @Test
    void devices_re_enrol_then_remove_and_an_unknown_device_is_a_one_line_failure() {
        Run reEnrolled = run(adminToken, "devices", "re-enrol", "meter-1");
        assertThat(reEnrolled.exitCode()).as(reEnrolled.err()).isZero();
        assertThat(reEnrolled.out()).startsWith("re-enrolled meter-1");
        assertThat(server.inventory().device("meter-1").orElseThrow().actions()).extracting(DeviceAction::actor)
                .containsExactly("alice");

        Run removed = run(adminToken, "devices", "remove", "meter-1");
        Run again = run(adminToken, "devices", "remove", "meter-1");

        assertThat(removed.exitCode()).isZero();
        assertThat(removed.out().strip()).isEqualTo("removed meter-1 and its history");
        assertThat(server.inventory().device("meter-1")).isEmpty();
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err().strip()).isEqualTo("portfolio: no device 'meter-1' (HTTP 404)");
    }

    @Test
    void a_viewer_may_not_remove_a_device() {
        Run removed = run(viewerToken, "devices", "remove", "meter-1");

        assertThat(removed.exitCode()).isEqualTo(1);
        assertThat(removed.err()).contains("this needs the admin role; token 'vic' has viewer (HTTP 403)");
        assertThat(server.inventory().device("meter-1")).isPresent();
    }

    @Test
    void certifications_list_add_replace_remove_with_csv_files() throws Exception {
        Path more = Files.writeString(dir.resolve("more.csv"), HEADER + "Acme,Meter,1.0\nAcme,Meter,2.0\n");
        Path only = Files.writeString(dir.resolve("only.csv"), HEADER + "Other,Thing,9\nOther,Thing,10\n");

        Run added = run(adminToken, "certifications", "add", more.toString());
        assertThat(added.out().strip()).isEqualTo("added 1 record (1 already listed); the list has 2");
        Run listed = run(adminToken, "certifications", "list");
        assertThat(listed.out()).isEqualTo("manufacturer,model,software_version\r\nAcme,Meter,1.0\r\nAcme,Meter,2.0\r\n");
        Run replaced = run(adminToken, "certifications", "replace", only.toString());
        assertThat(replaced.out().strip()).isEqualTo("the list has 2 records (it had 2)");
        Run removed = run(adminToken, "certifications", "remove", "--manufacturer", "Other", "--model", "Thing",
                "--software-version", "10");
        assertThat(removed.exitCode()).as(removed.err()).isZero();

        assertThat(server.inventory().certifications().records())
                .containsExactly(new Certification("Other", "Thing", "9"));
        assertThat(server.inventory().certificationSource().orElseThrow().changedBy()).isEqualTo("token 'alice'");
    }

    @Test
    void a_bad_certification_file_is_refused_by_the_server_with_its_line_and_nothing_changes() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.csv"), HEADER + "Acme,Meter\n");

        Run added = run(adminToken, "certifications", "add", bad.toString());

        assertThat(added.exitCode()).isEqualTo(1);
        assertThat(added.err()).startsWith("portfolio: line 2: ").contains("(HTTP 400)");
        assertThat(server.inventory().certifications().records()).hasSize(1);
    }

    @Test
    void revocations_replace_from_a_file_and_list() throws Exception {
        Path file = Files.writeString(dir.resolve("revoked.txt"), "# revoked today\n0x0A  # meter-9\n"
                + "ab".repeat(32) + "\n");

        Run replaced = run(adminToken, "revocations", "replace", file.toString());
        Run listed = run(viewerToken, "revocations", "list");

        assertThat(replaced.exitCode()).as(replaced.err()).isZero();
        assertThat(replaced.out()).startsWith("2 revoked certificates in force");
        assertThat(server.inventory().revocations()).isEqualTo(new Revocations(Set.of(BigInteger.TEN),
                Set.of("ab".repeat(32))));
        assertThat(listed.out()).isEqualTo("a  # serial number\n" + "ab".repeat(32) + "  # SHA-256 fingerprint\n");
    }

    @Test
    void one_revocation_is_counted_in_the_singular_and_an_empty_list_says_so() throws Exception {
        Path one = Files.writeString(dir.resolve("one.txt"), "0a\n");
        Path none = Files.writeString(dir.resolve("none.txt"), "# nothing revoked\n");

        Run replaced = run(adminToken, "revocations", "replace", one.toString());
        Run emptied = run(adminToken, "revocations", "replace", none.toString());
        Run listed = run(viewerToken, "revocations", "list");

        assertThat(replaced.out()).startsWith("1 revoked certificate in force;");
        assertThat(emptied.out()).startsWith("0 revoked certificates in force;");
        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out()).isEqualTo("no revoked certificates\n");
    }
}
