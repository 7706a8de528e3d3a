package io.github.lwm2mportfolio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** {@code portfolio server}'s REST options, checked before anything starts. */
class ServerCommandTest {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return new Run(commandLine.execute(args), out.toString(), err.toString());
    }

    @Test
    void the_rest_api_listens_on_loopback_unless_told_otherwise_apart_from_lwm2m() {
        CommandSpec server = new CommandLine(new ServerCommand()).getCommandSpec();

        assertThat(server.findOption("--http-host").defaultValue()).isEqualTo("127.0.0.1");
        assertThat(server.findOption("--bind").description()[0]).startsWith("LwM2M");
    }

    @Test
    void the_fleet_key_comes_from_a_file_or_the_option_not_both() throws Exception {
        Path keyFile = Files.setPosixFilePermissions(
                Files.writeString(dir.resolve("fleet.key"), "00112233\n"), OWNER_ONLY);

        Run both = run("server", "--fleet-key-file", keyFile.toString(), "--fleet-key", "00", "--data",
                dir.resolve("data").toString());
        Run missing = run("server", "--fleet-key-file", "nope", "--data", dir.resolve("data").toString());

        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("--fleet-key and --fleet-key-file exclude each other");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--fleet-key-file nope: no such file");
    }

    @Test
    void log_options_out_of_range_are_bad_usage_with_the_reason() throws Exception {
        String data = dir.resolve("data").toString();
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");

        Run format = run("server", "--log-format", "xml", "--data", data);
        Run size = run("server", "--log-max-size", "ten", "--data", data);
        Run tiny = run("server", "--log-max-size", "12", "--data", data);
        Run files = run("server", "--log-max-files", "0", "--data", data);
        Run file = run("server", "--log-file", notADirectory.resolve("server.log").toString(), "--data", data);

        assertThat(format.exitCode()).isEqualTo(2);
        assertThat(format.err()).contains("--log-format must be text or json, got 'xml'");
        assertThat(size.exitCode()).isEqualTo(2);
        assertThat(size.err()).contains("--log-max-size must be a size of at least 1KB");
        assertThat(tiny.exitCode()).isEqualTo(2);
        assertThat(tiny.err()).contains("--log-max-size must be a size of at least 1KB");
        assertThat(files.exitCode()).isEqualTo(2);
        assertThat(files.err()).contains("--log-max-files must be between 1 and 20, got 0");
        assertThat(file.exitCode()).isEqualTo(2);
        assertThat(file.err()).contains("--log-file " + notADirectory.resolve("server.log"));
        assertThat(Files.exists(dir.resolve("data"))).as("nothing made before the options are checked").isFalse();
    }

    @Test
    void a_key_store_without_its_password_file_is_bad_usage() {
        Run run = run("server", "--https-keystore", dir.resolve("api.p12").toString(), "--data",
                dir.resolve("data").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--https-password-file FILE is required");
    }

    @Test
    void a_password_file_that_is_missing_or_empty_is_bad_usage() throws Exception {
        Path empty = Files.setPosixFilePermissions(Files.writeString(dir.resolve("empty"), ""), OWNER_ONLY);

        Run missing = run("server", "--https-keystore", "api.p12", "--https-password-file", "nope", "--data",
                dir.resolve("data").toString());
        Run blank = run("server", "--https-keystore", "api.p12", "--https-password-file", empty.toString(), "--data",
                dir.resolve("data").toString());
        Run alone = run("server", "--https-password-file", empty.toString(), "--data", dir.resolve("data").toString());

        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--https-password-file nope: no such file");
        assertThat(blank.exitCode()).isEqualTo(2);
        assertThat(blank.err()).contains("the first line is empty");
        assertThat(alone.exitCode()).isEqualTo(2);
        assertThat(alone.err()).contains("--https-password-file goes with --https-keystore");
    }
}
