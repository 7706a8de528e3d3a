package io.github.lwm2mportfolio.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.lwm2mportfolio.cli.PortfolioCommand;
import picocli.CommandLine;

/**
 * The options of {@code portfolio bench}: what they plan, and bad ones: exit 2, the reason on the first line,
 * nothing run or written.
 */
class BenchCommandTest {

    @TempDir
    Path temp;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--clients|100,0|--clients must be a list of fleet sizes of at least 1, got [100, 0]",
            "--clients|many|Invalid value for option '--clients' (N[,N...]): 'many' is not an int",
            "--rate|0|--rate must be at least 1 registration/s, got 0",
            "--runs|0|--runs must be at least 1, got 0",
            "--modes|baseline,fast|--modes must be among baseline, floor and portfolio, got 'fast'",
            "--loads|slow|--loads must be among rate, flat and reregister, got 'slow'",
            "--transport|coap,tls|--transport must be coap and/or dtls, got 'tls'",
            "--timeout|PT0S|--timeout must be positive, got PT0S" })
    void a_bad_option_is_bad_usage_with_a_one_line_reason(String option, String value, String reason) {
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        Path results = temp.resolve("results");

        int code = commandLine.execute("bench", option, value, "--out", results.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().lines().findFirst()).hasValue(reason);
        assertThat(out.toString()).isEmpty();
        assertThat(Files.exists(results)).isFalse();
    }

    @Test
    void reregister_and_dtls_plan_a_run_per_transport_load_and_mode() {
        BenchSettings settings = parse("--clients", "20", "--runs", "1", "--loads", "reregister,flat", "--transport",
                "coap,dtls,dtls", "--modes", "baseline,portfolio");

        assertThat(settings.transports()).containsExactly(BenchTransport.COAP, BenchTransport.DTLS);
        assertThat(settings.loads()).containsExactly(BenchLoad.REREGISTER, BenchLoad.FLAT);
        assertThat(settings.plan()).extracting(RunSpec::describe).containsExactly(
                "N=20 reregister run 1 baseline", "N=20 reregister run 1 portfolio",
                "N=20 flat run 1 baseline", "N=20 flat run 1 portfolio",
                "N=20 reregister dtls run 1 baseline", "N=20 reregister dtls run 1 portfolio",
                "N=20 flat dtls run 1 baseline", "N=20 flat dtls run 1 portfolio");
        assertThat(settings.plan().get(4).fileStem()).isEqualTo("20-reregister-dtls-1-baseline");
    }

    @Test
    void plain_coap_is_the_default_transport() {
        assertThat(parse().transports()).containsExactly(BenchTransport.COAP);
        assertThat(parse().loads()).containsExactly(BenchLoad.RATE, BenchLoad.FLAT);
    }

    private static BenchSettings parse(String... options) {
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        String[] arguments = new String[options.length + 1];
        arguments[0] = "bench";
        System.arraycopy(options, 0, arguments, 1, options.length);
        commandLine.parseArgs(arguments);
        return ((BenchCommand) commandLine.getSubcommands().get("bench").getCommand()).settings();
    }
}
