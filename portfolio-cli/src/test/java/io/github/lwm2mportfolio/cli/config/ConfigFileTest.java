package io.github.lwm2mportfolio.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.cli.PortfolioCommand;
import picocli.CommandLine;

/**
 * {@code portfolio server --config FILE}: precedence (file, then the command line, then the environment), and every
 * bad file refused with exit 2 and one line that names the file, the line and the reason, before anything is made.
 */
class ConfigFileTest {

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
    }

    static Run run(Map<String, String> environment, String... args) {
        CommandLine commandLine = PortfolioCommand.newCommandLine(environment);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return new Run(commandLine.execute(args), out.toString(), err.toString());
    }

    private Path config(String yaml) throws Exception {
        Path file = dir.resolve("portfolio.yaml");
        Files.writeString(file, yaml);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    /** Runs the server with the file and more arguments; its data directory must not be made when it is refused. */
    private Run server(Map<String, String> environment, Path config, String... more) {
        List<String> args = new ArrayList<>(List.of("server", "--config", config.toString(), "--data",
                dir.resolve("data").toString()));
        args.addAll(List.of(more));
        return run(environment, args.toArray(String[]::new));
    }

    private Run refused(String yaml) throws Exception {
        Run run = server(Map.of(), config(yaml));
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err().lines()).as("one line, not the usage help").hasSize(1);
        assertThat(dir.resolve("data")).as("nothing made").doesNotExist();
        return run;
    }

    private static String line(String output, String key) {
        return output.lines().filter(line -> line.startsWith(key + ":")).findFirst().orElseThrow();
    }

    @Test
    void a_flag_overrides_the_file_and_the_environment_overrides_both() throws Exception {
        Path file = config("""
                http-port: 1111
                coap-port: 1112
                coaps-port: 1113
                collection-interval: 30m
                cors-origin: [https://a.example, https://b.example]
                """);

        Run run = server(Map.of("PORTFOLIO_HTTP_PORT", "3333", "PORTFOLIO_TOKEN", "pft_for_the_rest_commands"), file,
                "--http-port", "2222", "--coap-port=2223", "--print-config");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(line(run.out(), "http-port")).matches("http-port: 3333 +# PORTFOLIO_HTTP_PORT \\(environment\\)");
        assertThat(line(run.out(), "coap-port")).matches("coap-port: 2223 +# --coap-port");
        assertThat(line(run.out(), "coaps-port")).matches("coaps-port: 1113 +# .*portfolio.yaml:3");
        assertThat(line(run.out(), "collection-interval")).matches("collection-interval: 30m +# .*portfolio.yaml:4");
        assertThat(line(run.out(), "cors-origin"))
                .matches("cors-origin: \\['https://a.example', 'https://b.example'\\] +# .*portfolio.yaml:5");
        assertThat(line(run.out(), "bind")).matches("bind: 0.0.0.0 +# default");
        assertThat(dir.resolve("data")).as("print-config starts nothing").doesNotExist();
    }

    @Test
    void a_list_from_the_environment_is_separated_by_commas() throws Exception {
        Run run = server(Map.of("PORTFOLIO_CORS_ORIGIN", "https://a.example, https://c.example"), config(""),
                "--print-config");

        assertThat(line(run.out(), "cors-origin")).startsWith("cors-origin: ['https://a.example', 'https://c.example']");
    }

    @Test
    void a_misspelt_variable_is_named_with_the_one_it_likely_meant_and_the_rest_commands_token_is_left_alone()
            throws Exception {
        Run run = server(Map.of("PORTFOLIO_HTTP_PROT", "9090", "PORTFOLIO_TOKEN", "pft_x", "PORTFOLIO_JAVA_OPTS",
                "-Xmx1g"), config(""), "--print-config");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err().lines()).containsExactly("portfolio: warning: PORTFOLIO_HTTP_PROT is no setting of "
                + "portfolio server and is ignored; did you mean PORTFOLIO_HTTP_PORT?");
        assertThat(line(run.out(), "http-port")).startsWith("http-port: 8080 ");
    }

    @Test
    void the_printed_configuration_reads_back_as_the_same_settings() throws Exception {
        Path file = config("""
                http-port: 1111
                purge-strangers-after: 90s
                registration-rate: 12.5
                trust:
                cors-origin: https://a.example
                """);
        Run first = server(Map.of(), file, "--print-config");
        Path printed = dir.resolve("printed.yaml");
        Files.writeString(printed, first.out());

        Run again = server(Map.of(), printed, "--print-config");

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(values(again.out())).isEqualTo(values(first.out()));
    }

    /** The lines without their comments, which name the file they came from. */
    private static List<String> values(String output) {
        return output.lines().filter(line -> !line.startsWith("#")).map(line -> line.replaceAll(" +#.*", ""))
                .toList();
    }

    @Test
    void print_config_masks_secrets() throws Exception {
        Path file = config("""
                fleet-key: 00112233445566778899aabbccddeeff
                db: jdbc:postgresql://127.0.0.1:5432/test?user=portfolio&password=hunter2
                webhook: https://hooks.example.net/services/T0/B0/XYZSECRET
                """);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        Run run = server(Map.of(), file, "--print-config");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).doesNotContain("00112233", "hunter2", "XYZSECRET");
        assertThat(line(run.out(), "fleet-key")).startsWith("fleet-key: '********'");
        assertThat(line(run.out(), "db"))
                .startsWith("db: 'jdbc:postgresql://127.0.0.1:5432/test?user=portfolio&password=********'");
        assertThat(line(run.out(), "webhook")).startsWith("webhook: 'https://hooks.example.net/********'");
    }

    @Test
    void a_secret_in_a_file_that_others_may_read_is_refused() throws Exception {
        Run key = refused("http-port: 0\nfleet-key: 00112233\n");
        Run password = refused("db: jdbc:postgresql://u:hunter2@127.0.0.1/test\n");

        assertThat(key.err()).containsPattern("portfolio.yaml:2: fleet-key holds a secret but others may read \\S+ "
                + "\\(mode rw-r--r--\\): chmod 600 \\S+, or give fleet-key-file, a file of its own");
        assertThat(password.err()).containsPattern("portfolio.yaml:1: db holds a secret");
        assertThat(key.err() + password.err()).doesNotContain("00112233", "hunter2");
    }

    @Test
    void a_secret_from_a_private_file_draws_no_process_list_warning_but_one_on_the_command_line_does()
            throws Exception {
        Path file = config("fleet-key: 00112233\nregistration-burst: 0\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        Run fromFile = server(Map.of(), file);
        Run fromOption = server(Map.of(), file, "--fleet-key", "44556677");

        assertThat(fromFile.err().lines()).containsExactly(
                file + ":2: registration-burst must be at least 1, got 0");
        assertThat(fromOption.err()).contains("portfolio: warning: --fleet-key shows in the process list");
    }

    @Test
    void a_misspelt_key_is_refused_with_the_closest_key() throws Exception {
        Run typo = refused("coap-port: 0\n# the API\nhtp-port: 8081\n");
        Run camel = refused("httpPort: 8081\n");
        Run stranger = refused("colour: blue\n");
        Run action = refused("new-admin-token: true\n");

        assertThat(typo.err()).containsPattern("portfolio.yaml:3: unknown key 'htp-port'; did you mean 'http-port'\\?");
        assertThat(camel.err()).contains("unknown key 'httpPort'; did you mean 'http-port'?");
        assertThat(stranger.err()).contains("portfolio.yaml:1: unknown key 'colour'; the keys are the options of "
                + "'portfolio server --help' without their dashes");
        assertThat(action.err()).contains("new-admin-token is not a setting: give --new-admin-token on the command "
                + "line");
    }

    @Test
    void a_value_of_the_wrong_type_is_refused_with_its_line() throws Exception {
        Run port = refused("bind: 127.0.0.1\nhttp-port: eighty\n");
        Run duration = refused("\n\ncollection-interval: soon\n");
        Run list = refused("http-port: [8080, 8081]\n");
        Run nested = refused("http:\n  port: 8080\n");
        Run flag = refused("coap-port: 0\n", "PORTFOLIO_HTTP_PORT", "x");

        assertThat(port.err()).containsPattern("portfolio.yaml:2: http-port: 'eighty' is not an int");
        assertThat(duration.err()).containsPattern("portfolio.yaml:3: collection-interval: 'soon' is not a duration");
        assertThat(list.err()).containsPattern("portfolio.yaml:1: http-port takes one value, got a list");
        assertThat(nested.err()).containsPattern("portfolio.yaml:1: http: expected a value or a list of values, got "
                + "nested keys");
        assertThat(flag.err()).contains("PORTFOLIO_HTTP_PORT (environment): http-port: 'x' is not an int");
    }

    private Run refused(String yaml, String variable, String value) throws Exception {
        Run run = server(Map.of(variable, value), config(yaml));
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(dir.resolve("data")).doesNotExist();
        return run;
    }

    @Test
    void a_value_out_of_range_is_refused_with_its_line_before_anything_is_made() throws Exception {
        Run port = refused("# ports\n\n\n\n\n\nhttp-port: 70000\n");
        Run burst = refused("registration-burst: 0\n");
        Run interval = refused("collection-interval: 10s\n");

        assertThat(port.err()).contains("portfolio.yaml:7: http-port must be a port from 0 to 65535, got 70000");
        assertThat(burst.err()).contains("portfolio.yaml:1: registration-burst must be at least 1, got 0");
        assertThat(interval.err()).contains("portfolio.yaml:1: collection-interval must be 0 (never) or at least 1m");
    }

    @Test
    void broken_yaml_is_refused_with_its_line() throws Exception {
        Run unclosed = refused("http-port: 8080\ncors-origin: [https://a.example\ncoap-port: 0\n");
        Run twice = refused("http-port: 8080\ncoap-port: 0\nhttp-port: 8081\n");
        Run scalar = refused("just words\n");

        assertThat(unclosed.err()).containsPattern("portfolio.yaml:\\d+: not valid YAML: ");
        assertThat(twice.err()).contains("portfolio.yaml:3: http-port is set twice (first on line 1); keep one");
        assertThat(scalar.err()).contains("portfolio.yaml:1: expected 'key: value' lines");
    }

    @Test
    void a_missing_or_unreadable_config_file_is_bad_usage() {
        Run missing = run(Map.of(), "server", "--config", dir.resolve("nope.yaml").toString(), "--data",
                dir.resolve("data").toString());
        Run directory = run(Map.of(), "server", "--config", dir.toString(), "--data", dir.resolve("data").toString());

        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--config " + dir.resolve("nope.yaml") + ": not found; give the path of a "
                + "YAML file of settings");
        assertThat(directory.exitCode()).isEqualTo(2);
        assertThat(directory.err()).contains("is a directory, not a file");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void a_config_file_anyone_may_change_is_refused() throws Exception {
        Path file = config("http-port: 8080\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

        Run run = server(Map.of(), file);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).containsExactly(file + ": anyone on this machine may change it (mode "
                + "rw-rw-rw-); chmod o-w " + file);
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void the_same_port_twice_is_refused_before_anything_is_made() throws Exception {
        Run coap = refused("coap-port: 5690\ncoaps-port: 5690\n");
        Run http = server(Map.of(), config("coap-port: 5690\n"), "--http-port", "5690");
        Run zeros = server(Map.of(), config("coap-port: 0\ncoaps-port: 0\nhttp-port: 0\n"), "--print-config");

        assertThat(coap.err()).containsPattern("the same port twice: coap-port and coaps-port are both 5690 "
                + "\\(\\S*portfolio.yaml:1, \\S*portfolio.yaml:2\\); give each listener its own port");
        assertThat(http.exitCode()).isEqualTo(2);
        assertThat(http.err()).contains("coap-port and http-port are both 5690");
        assertThat(zeros.exitCode()).as("0 is any free port (or off), not a port").isZero();
    }

    @Test
    void a_trust_directory_that_cannot_be_read_is_refused_before_anything_is_made() throws Exception {
        Run missing = refused("trust: " + dir.resolve("no-such-ca") + "\n");
        Path file = Files.writeString(dir.resolve("ca.pem"), "not a directory");
        Run notDirectory = refused("trust: " + file + "\n");

        assertThat(missing.err()).contains("portfolio.yaml:1: trust " + dir.resolve("no-such-ca") + ": not found");
        assertThat(notDirectory.err()).contains("trust " + file + ": not a directory");
    }
}
