package io.github.lwm2mportfolio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The README's exit codes for every subcommand: 2 for bad usage, 1 for a runtime failure, each with one line that
 * starts with {@code portfolio: } or picocli's usage message.
 */
class ExitCodesTest {

    @TempDir
    static Path dir;

    private static final String NO_SERVER = "http://127.0.0.1:" + closedPort();
    /** A port another program holds (the JVM's garbage collection does not close it). */
    private static final ServerSocket HELD_PORT = heldPort();

    static Stream<Arguments> badUsage() {
        return Stream.of(
                Arguments.of("demo", List.of("--coap-port", "70000"), "--coap-port must be a port from 0 to 65535"),
                Arguments.of("server", List.of("--http-port", "-2"), "--http-port must be a port from 0 to 65535"),
                Arguments.of("client", List.of("--endpoint", "meter-1", "--server", "http://127.0.0.1:5683"),
                        "--server must be coap://HOST:PORT or coaps://HOST:PORT, got 'http://127.0.0.1:5683'"),
                Arguments.of("client", List.of("--endpoint", "", "--server", "coap://127.0.0.1:5683"),
                        "--endpoint must be a name"),
                Arguments.of("client", List.of("--endpoint", "m", "--server", "coap://127.0.0.1:99999"),
                        "--server must be coap://HOST:PORT"),
                Arguments.of("inventory", List.of("--url", NO_SERVER, "--state", "GREEN", "--token-file", tokenFile()),
                        "--state"),
                Arguments.of("credentials", List.of("add", "--url", NO_SERVER, "--token-file", tokenFile()), "--endpoint"),
                Arguments.of("tokens", List.of("create", "--url", NO_SERVER, "--token-file", tokenFile(), "--name", "ci"),
                        "--role"),
                Arguments.of("simulate", List.of("--clients", "1", "--server", "http://127.0.0.1:5683"),
                        "--server must be coap://HOST:PORT"),
                Arguments.of("server", List.of("--certified", "nope.csv"), "--certified nope.csv: not found"),
                Arguments.of("server", List.of("--registration-burst", "0"),
                        "--registration-burst must be at least 1, got 0"),
                Arguments.of("server", List.of("--registration-rate", "NaN"),
                        "--registration-rate must be a positive number, got NaN"),
                Arguments.of("server", List.of("--purge-strangers-after", "-PT1S"),
                        "'-PT1S' is negative: give a duration such as 30s"),
                Arguments.of("server", List.of("--webhook", "ftp://hooks.example/x"),
                        "--webhook must be an http:// or https:// URL with a host"),
                Arguments.of("devices", List.of("remove", "--url", NO_SERVER, "--token-file", tokenFile()), "ENDPOINT"),
                Arguments.of("certifications", List.of("add", "nope.csv", "--url", NO_SERVER, "--token-file", tokenFile()),
                        "FILE nope.csv: not found"),
                Arguments.of("revocations", List.of("replace", badRevocations(), "--url", NO_SERVER, "--token-file", tokenFile()),
                        "line 2: 'not-hex' is neither"),
                Arguments.of("client", List.of("--endpoint", "m", "--server", "coap://127.0.0.1:5683", "--lifetime",
                        "-1", "--data", dir.resolve("client-lifetime").toString()),
                        "--lifetime must be 10 to 2592000 seconds (30 days), got -1"),
                Arguments.of("client", List.of("--endpoint", "m", "--server", "coap://127.0.0.1:5683", "--lifetime",
                        "0", "--data", dir.resolve("client-lifetime").toString()), "--lifetime must be 10 to 2592000"),
                Arguments.of("client", List.of("--endpoint", "m", "--server", "coap://127.0.0.1:5683", "--lifetime",
                        "2592001", "--data", dir.resolve("client-lifetime").toString()),
                        "--lifetime must be 10 to 2592000"),
                Arguments.of("server", List.of("--db", "garbage", "--data", dir.resolve("never").toString()),
                        "--db must be a jdbc:h2: or jdbc:postgresql: URL"),
                Arguments.of("server", List.of("--bind", "999.1.1.1", "--data", dir.resolve("never").toString()),
                        "--bind: cannot resolve host '999.1.1.1'; give an IP address or a host name"),
                Arguments.of("server", List.of("--http-host", "nosuch.invalid", "--data",
                        dir.resolve("never").toString()), "--http-host: cannot resolve host 'nosuch.invalid'"),
                Arguments.of("server", List.of("--certified", badCertifications(), "--data",
                        dir.resolve("never").toString()), "line 2"),
                Arguments.of("keys", List.of("device", "--ca", "nope", "--endpoint", "m", "--out",
                        dir.resolve("device").toString()), "--ca nope: not found"),
                Arguments.of("keys", List.of("device", "--ca", dir.toString(), "--endpoint", "m", "--out",
                        dir.resolve("device").toString()), "no ca.p12 in it"),
                Arguments.of("bench", List.of("--runs", "many"), "--runs"),
                Arguments.of("bench-server", List.of("--mode", "baseline"), "--clients"));
    }

    static Stream<Arguments> runtimeFailure() throws IOException {
        Path corruptStore = Files.createDirectories(dir.resolve("client"));
        Files.writeString(corruptStore.resolve("portfolio.json"), "{ not json");
        return Stream.of(
                Arguments.of("demo", List.of("--once", "--clients", "1", "--settle-timeout", "PT0S", "--coap-port", "0",
                        "--coaps-port", "0", "--http-port", "0", "--data", dir.resolve("demo").toString()),
                        "collection did not settle within 0s"),
                Arguments.of("server", List.of("--data", dir.resolve("server").toString(), "--coap-port", "0",
                        "--coaps-port", "0", "--http-port", String.valueOf(HELD_PORT.getLocalPort())),
                        "REST API port " + HELD_PORT.getLocalPort()),
                Arguments.of("client", List.of("--endpoint", "m", "--server", "coap://127.0.0.1:5683", "--data",
                        corruptStore.toString()), "portfolio.json"),
                Arguments.of("inventory", List.of("--url", NO_SERVER, "--token-file", tokenFile()), NO_SERVER),
                Arguments.of("credentials", List.of("list", "--url", NO_SERVER, "--token-file", tokenFile()), NO_SERVER),
                Arguments.of("tokens", List.of("list", "--url", NO_SERVER, "--token-file", tokenFile()), NO_SERVER),
                Arguments.of("devices", List.of("re-enrol", "m", "--url", NO_SERVER, "--token-file", tokenFile()), NO_SERVER),
                Arguments.of("certifications", List.of("list", "--url", NO_SERVER, "--token-file", tokenFile()), NO_SERVER),
                Arguments.of("revocations", List.of("list", "--url", NO_SERVER, "--token-file", tokenFile()), NO_SERVER));
    }

    /** A token in an owner-only file: --token would add its process-list warning to the one line. */
    private static String tokenFile() {
        try {
            Path file = dir.resolve("token");
            if (!Files.exists(file)) {
                Files.writeString(file, "pft_t\n");
                Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
            return file.toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String badCertifications() {
        try {
            return Files.writeString(dir.resolve("certified.csv"), "manufacturer,model,software_version\n"
                    + "only-one-field\n").toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String badRevocations() {
        try {
            return Files.writeString(dir.resolve("revoked.txt"), "0a\nnot-hex\n").toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("badUsage")
    void bad_usage_exits_2_with_the_reason(String command, List<String> args, String reason) {
        Run run = run(command, args);

        assertThat(run.code()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(reason);
    }

    @org.junit.jupiter.api.Test
    void bad_usage_of_the_server_makes_nothing() {
        run("server", List.of("--certified", badCertifications(), "--data", dir.resolve("untouched").toString()));
        run("server", List.of("--db", "garbage", "--data", dir.resolve("untouched").toString()));

        assertThat(dir.resolve("untouched")).as("no data directory, no server identity").doesNotExist();
    }

    @org.junit.jupiter.api.Test
    void a_token_on_the_command_line_works_with_a_warning_that_others_may_see_it() {
        Run run = run("inventory", List.of("--url", NO_SERVER, "--token", "t"));

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err().lines().toList()).hasSize(2).first().isEqualTo("portfolio: warning: --token shows in "
                + "the process list of this machine; use PORTFOLIO_TOKEN or --token-file FILE");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("runtimeFailure")
    void a_runtime_failure_exits_1_with_one_line(String command, List<String> args, String reason) {
        Run run = run(command, args);

        assertThat(run.code()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).startsWith("portfolio: ").contains(reason);
        assertThat(run.err().strip().lines()).hasSize(1);
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String command, List<String> args) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = PortfolioCommand.newCommandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @AfterAll
    static void releasePort() throws IOException {
        HELD_PORT.close();
    }

    private static ServerSocket heldPort() {
        try {
            return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
