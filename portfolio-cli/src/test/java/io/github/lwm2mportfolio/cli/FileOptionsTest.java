package io.github.lwm2mportfolio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
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
    void a_data_or_out_directory_that_cannot_be_created_is_bad_usage_saying_why() {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc")), "needs Linux /proc, where nothing can be made");
        String place = "/proc/portfolio-test";

        List<Run> runs = List.of(run("server", "--data", place),
                run("client", "--endpoint", "m", "--server", "coap://127.0.0.1:5683", "--data", place),
                run("demo", "--data", place),
                run("keys", "ca", "--out", place),
                run("simulate", "--clients", "1", "--server", "coap://127.0.0.1:5683", "--data", place));

        assertThat(runs).allSatisfy(run -> {
            assertThat(run.code()).as(run.err()).isEqualTo(2);
            assertThat(run.err()).contains(place).containsAnyOf("cannot create directory " + place
                    + ": the file system does not allow it; choose a writable place", "is not writable by this user").doesNotContain("Exception");
        });
    }

    @Test
    void a_device_or_a_file_over_the_size_limit_is_refused_in_one_line_before_it_is_read() throws Exception {
        Path big = dir.resolve("big.csv");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(InputFiles.MAX_BYTES + 1); // sparse: nothing to write
        }
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")));
        String url = "http://127.0.0.1:1";

        Run zeroRevoked = run("server", "--data", dir.resolve("data").toString(), "--revoked", "/dev/zero");
        Run zeroCertified = run("certifications", "add", "/dev/zero", "--url", url, "--token", "t");
        Run bigRevocations = run("revocations", "replace", big.toString(), "--url", url, "--token", "t");
        Run bigCertified = run("server", "--data", dir.resolve("data").toString(), "--certified", big.toString());

        assertThat(List.of(zeroRevoked, zeroCertified)).allSatisfy(run -> {
            assertThat(run.code()).isEqualTo(2);
            assertThat(run.err()).contains("/dev/zero: not a regular file; give the path of");
        });
        assertThat(List.of(bigRevocations, bigCertified)).allSatisfy(run -> {
            assertThat(run.code()).isEqualTo(2);
            assertThat(run.err()).contains(big + ": larger than the limit of 10 MB");
        });
        assertThat(dir.resolve("data")).as("refused before anything is made").doesNotExist();
    }

    @Test
    void a_long_bad_line_is_cut_in_the_message() throws Exception {
        Path revoked = Files.writeString(dir.resolve("revoked.txt"), "x".repeat(100_000) + "\n");

        Run run = run("revocations", "replace", revoked.toString(), "--url", "http://127.0.0.1:1", "--token", "t");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("line 1: '" + "x".repeat(60) + "...' is neither").hasSizeLessThan(300);
    }

    @Test
    void a_token_file_that_is_not_text_says_so() throws Exception {
        Path binary = Files.write(dir.resolve("token.bin"), new byte[] { (byte) 0xff, (byte) 0xfe, 0, 1 });
        Files.setPosixFilePermissions(binary, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        Run run = run("inventory", "--url", "http://127.0.0.1:1", "--token-file", binary.toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("--token-file " + binary + ": not a text file (not UTF-8); give a file "
                + "whose first line is the secret");
    }

    @Test
    void a_file_error_from_deeper_down_says_what_was_wrong_with_the_path() {
        assertThat(PortfolioCommand.oneLineReason(new java.nio.file.AccessDeniedException("/srv/data/sub")))
                .isEqualTo("/srv/data/sub: permission denied (check the owner and mode of the path)");
        assertThat(PortfolioCommand.oneLineReason(new java.nio.file.NoSuchFileException("nope.csv")))
                .isEqualTo("nope.csv: not found");
    }
}
