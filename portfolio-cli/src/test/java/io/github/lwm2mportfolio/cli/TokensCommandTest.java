package io.github.lwm2mportfolio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.access.ApiToken;
import io.github.lwm2mportfolio.server.access.Role;
import picocli.CommandLine;

/** {@code portfolio tokens} against a running server, with the admin token in a file as a user keeps it. */
class TokensCommandTest {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    @TempDir
    Path dir;

    private PortfolioServer server;
    private Path adminTokenFile;

    private record Run(int exitCode, String out, String err) {
    }

    @BeforeEach
    void startServer() throws Exception {
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(0)
                .dataDirectory(dir.resolve("server")).build();
        server.start();
        adminTokenFile = Files.setPosixFilePermissions(
                Files.writeString(dir.resolve("admin-token"), server.createFirstAdminToken().orElseThrow()), OWNER_ONLY);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void a_created_token_is_printed_alone_works_with_its_role_is_listed_without_its_text_and_revoked() throws Exception {
        Run created = run("tokens", "create", "--name", "ci", "--role", "operator");

        assertThat(created.exitCode()).as(created.err()).isZero();
        String token = created.out().strip();
        assertThat(token).startsWith("pft_").doesNotContain("\n", " ");
        assertThat(created.err()).contains("shown only this once");
        assertThat(server.tokens().authenticate(token).map(ApiToken::role)).hasValue(Role.OPERATOR);

        Run listed = run("tokens", "list");
        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out()).containsPattern("admin\\s+admin").containsPattern("ci\\s+operator")
                .contains("2 tokens").doesNotContain(token, "pft_");

        Path operatorFile = Files.setPosixFilePermissions(
                Files.writeString(dir.resolve("operator-token"), token + "\n"), OWNER_ONLY);
        Run notAdmin = runWith(operatorFile, "tokens", "list");
        assertThat(notAdmin.exitCode()).isEqualTo(1);
        assertThat(notAdmin.err().strip())
                .isEqualTo("portfolio: this needs the admin role; token 'ci' has operator (HTTP 403)");

        Run revoked = run("tokens", "revoke", "ci");
        assertThat(revoked.exitCode()).isZero();
        assertThat(revoked.out()).contains("revoked the token 'ci'");
        assertThat(server.tokens().authenticate(token)).isEmpty();
    }

    @Test
    void an_unknown_role_is_bad_usage_and_a_taken_name_a_one_line_failure() {
        Run badRole = run("tokens", "create", "--name", "x", "--role", "root");
        Run taken = run("tokens", "create", "--name", "admin", "--role", "viewer");
        Run unknown = run("tokens", "revoke", "nobody");
        Run lastAdmin = run("tokens", "revoke", "admin");

        assertThat(badRole.exitCode()).isEqualTo(2);
        assertThat(badRole.err()).contains("Invalid value for option '--role'");
        assertThat(taken.exitCode()).isEqualTo(1);
        assertThat(taken.err().strip()).startsWith("portfolio: a token named 'admin' exists already").endsWith("(HTTP 409)");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err().strip()).isEqualTo("portfolio: no token named 'nobody' (HTTP 404)");
        assertThat(lastAdmin.exitCode()).isEqualTo(1);
        assertThat(lastAdmin.err().strip()).startsWith("portfolio: 'admin' is the last admin token")
                .contains("create another admin token first").endsWith("(HTTP 409)");
        assertThat(server.tokens().list()).extracting(ApiToken::name).containsExactly("admin");
    }

    @Test
    void the_first_admin_token_is_made_once() {
        assertThat(server.createFirstAdminToken()).isEmpty();
        assertThat(server.tokens().list()).extracting(ApiToken::name, ApiToken::role)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("admin", Role.ADMIN));
    }

    private Run run(String... args) {
        return runWith(adminTokenFile, args);
    }

    private Run runWith(Path tokenFile, String... args) {
        List<String> arguments = new ArrayList<>(List.of(args));
        arguments.addAll(List.of("--url", server.restUri(), "--token-file", tokenFile.toString()));
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return new Run(commandLine.execute(arguments.toArray(String[]::new)), out.toString(), err.toString());
    }
}
