package io.github.lwm2mportfolio.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.github.lwm2mportfolio.server.ListenAddresses;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/** Durations as people write them, one style of help metavariable, and addresses a person can use. */
class OptionValuesTest {

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
    void durations_take_a_number_and_a_unit_or_iso_8601() {
        DurationConverter durations = new DurationConverter();

        assertThat(durations.convert("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(durations.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(durations.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(durations.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(durations.convert("PT90S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(durations.convert("pt1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(durations.convert("0")).as("0 (never) needs no unit").isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> durations.convert("5 parsecs")).isInstanceOf(TypeConversionException.class)
                .hasMessage("'5 parsecs' is not a duration: write e.g. 500ms, 30s, 5m, 2h, 1d or ISO-8601 PT30S");
        assertThatThrownBy(() -> durations.convert("PT-5S")).hasMessageContaining("is negative");
    }

    @Test
    void durations_are_echoed_as_people_write_them() {
        assertThat(DurationConverter.format(Duration.ofMillis(100))).isEqualTo("100ms");
        assertThat(DurationConverter.format(Duration.ofSeconds(5))).isEqualTo("5s");
        assertThat(DurationConverter.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(DurationConverter.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(DurationConverter.format(Duration.ofHours(6))).isEqualTo("6h");
        assertThat(DurationConverter.format(Duration.ofDays(1))).isEqualTo("1d");
        assertThat(DurationConverter.format(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void counts_name_their_noun_in_the_right_number() {
        assertThat(Counts.of(1, "record", "records")).isEqualTo("1 record");
        assertThat(Counts.of(1.0, "record", "records")).isEqualTo("1 record");
        assertThat(Counts.of(0L, "record", "records")).isEqualTo("0 records");
        assertThat(Counts.of(2, "record", "records")).isEqualTo("2 records");
    }

    @Test
    void a_hex_value_that_is_not_hex_says_what_it_must_be() {
        Run run = run("credentials", "add", "--url", "http://127.0.0.1:1", "--endpoint", "x", "--rpk-public-key",
                "zz");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("--rpk-public-key must be hexadecimal: digits 0-9 and a-f, two for each "
                + "byte").doesNotContain("122");
    }

    @Test
    void a_lifetime_outside_what_the_server_accepts_is_bad_usage() {
        Run run = run("client", "--endpoint", "m", "--server", "coap://127.0.0.1:5683", "--lifetime", "9",
                "--data", "target/never-made-lifetime");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("--lifetime must be 10 to 2592000 seconds (30 days), got 9");
    }

    @Test
    void a_duration_that_is_not_one_is_bad_usage_in_one_line() {
        Run run = run("demo", "--settle-timeout", "soon");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("Invalid value for option '--settle-timeout': 'soon' is not a duration");
    }

    @Test
    void the_collection_interval_is_zero_or_at_least_a_minute() {
        Run tooShort = run("server", "--collection-interval", "30s", "--data", "target/never-made");

        assertThat(tooShort.exitCode()).isEqualTo(2);
        assertThat(tooShort.err()).contains("--collection-interval must be 0 (never) or at least 1m, got 30s");
    }

    @Test
    void the_reregister_fast_path_is_off_secure_or_on() {
        Run wrong = run("server", "--reregister-fast-path", "always", "--data", "target/never-made");

        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.err()).contains("--reregister-fast-path must be off, secure or on, got 'always'");
    }

    @Test
    void help_names_what_each_value_is() {
        String server = run("server", "--help").out();
        String client = run("client", "--help").out();
        String inventory = run("inventory", "--help").out();

        assertThat(server).contains("--data=DIR", "--coap-port=PORT", "--http-host=ADDRESS", "--certified=FILE",
                "--collection-interval=DURATION", "--db=JDBC-URL").doesNotContain("=<");
        assertThat(client).contains("--server=URI", "--endpoint=ENDPOINT", "--lifetime=SECONDS",
                "--token-label=LABEL", "--psk-key-file=FILE").doesNotContain("=<");
        assertThat(inventory).contains("--url=URL").doesNotContain("=<");
    }

    @Test
    void a_wildcard_listener_is_named_by_an_address_a_person_can_use() {
        assertThat(ListenAddresses.usable("coap://[0:0:0:0:0:0:0:0]:5683")).isEqualTo("coap://127.0.0.1:5683");
        assertThat(ListenAddresses.usable("coaps://0.0.0.0:5684")).isEqualTo("coaps://127.0.0.1:5684");
        assertThat(ListenAddresses.usable("coap://192.0.2.7:5683")).isEqualTo("coap://192.0.2.7:5683");
        assertThat(ListenAddresses.usable("coap://meters.example:5683")).isEqualTo("coap://meters.example:5683");
        assertThat(ListenAddresses.isWildcard("::")).isTrue();
        assertThat(ListenAddresses.isWildcard("127.0.0.1")).isFalse();
    }
}
