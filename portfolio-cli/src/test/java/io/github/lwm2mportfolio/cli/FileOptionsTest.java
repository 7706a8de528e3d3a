package io.github.lwm2mportfolio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file or directory option that cannot be used says what is wrong with the path and what to do (exit 2). */
class FileOptionsTest {

    @TempDir
    Path dir;

    private record Run(int code, String err) {
    }

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        int code = PortfolioCommand.newCommandLine().setOut(new PrintWriter(new StringWriter()))
                .setErr(new PrintWriter(err)).execute(args);
        return new Run(code, err.toString().lines().findFirst().orElse(""));
    }

    @Test
    void a_missing_certification_file_is_named_as_not_found() {
        Run run = run("server", "--data", dir.resolve("data").toString(), "--certified", "nope.csv");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("--certified nope.csv: not found; give the path of a CSV file of "
                + "manufacturer,model,software_version");
    }

    @Test
    void a_certification_path_that_is_a_directory_is_named_as_such() {
        Run run = run("server", "--data", dir.resolve("data").toString(), "--certified", dir.toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains(": is a directory, not a file; give the path of a CSV file");
    }

    @Test
    void a_trust_directory_that_is_missing_or_a_file_is_named_as_such() throws Exception {
        Path file = Files.writeString(dir.resolve("cert.pem"), "x");

        Run missing = run("server", "--data", dir.resolve("data").toString(), "--trust", "certs");
        Run notDirectory = run("server", "--data", dir.resolve("data").toString(), "--trust", file.toString());

        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("--trust certs: not found; give the path of a directory of PEM or DER "
                + "certificates");
        assertThat(notDirectory.code()).isEqualTo(2);
        assertThat(notDirectory.err()).isEqualTo("--trust " + file + ": not a directory; give the path of a "
                + "directory of PEM or DER certificates");
    }

    @Test
    void a_data_directory_under_a_file_cannot_be_made_and_says_where() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        Path under = file.resolve("sub");

        Run server = run("server", "--data", under.toString());
        Run demo = run("demo", "--data", file.toString());
        Run client = run("client", "--endpoint", "m", "--server", "coap://127.0.0.1:5683", "--data", under.toString());

        assertThat(server.code()).isEqualTo(2);
        assertThat(server.err()).isEqualTo("--data " + under + " cannot be made: " + file + " is not a directory; "
                + "choose another --data or fix the path's permissions");
        assertThat(demo.code()).isEqualTo(2);
        assertThat(demo.err()).isEqualTo("--data " + file + " is not a directory; choose another --data or fix the "
                + "path's permissions");
        assertThat(client.code()).isEqualTo(2);
        assertThat(client.err()).startsWith("--data " + under + " cannot be made");
    }

    @Test
    void a_file_error_from_deeper_down_says_what_was_wrong_with_the_path() {
        assertThat(PortfolioCommand.oneLineReason(new java.nio.file.AccessDeniedException("/srv/data/sub")))
                .isEqualTo("/srv/data/sub: permission denied (check the owner and mode of the path)");
        assertThat(PortfolioCommand.oneLineReason(new java.nio.file.NoSuchFileException("nope.csv")))
                .isEqualTo("nope.csv: not found");
    }
}
