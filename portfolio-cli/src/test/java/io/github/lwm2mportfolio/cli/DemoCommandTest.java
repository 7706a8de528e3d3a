package io.github.lwm2mportfolio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class DemoCommandTest {

    @TempDir
    Path dataDir;

    @Test
    void demo_collects_a_varied_fleet_and_prints_the_settled_table() {
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));

        int code = commandLine.execute("demo", "--clients", "12", "--http-port", "0", "--coap-port", "0",
                "--coaps-port", "0", "--data", dataDir.toString(), "--once");

        assertThat(code).as(err.toString()).isZero();
        String table = out.toString();
        assertThat(table).contains("collection settled:");
        assertThat(table).contains("demo-000", "demo-011", "Northwind Metering");
        assertThat(table).contains("COMPLIANT", "UNCERTIFIED", "UNVERIFIED", "NO_PORTFOLIO");
        assertThat(table).containsPattern("demo-005\\s+UNVERIFIED");
        assertThat(table).containsPattern("demo-004\\s+UNVERIFIED");
        assertThat(table).containsPattern("demo-007\\s+UNCERTIFIED");
        assertThat(table).containsPattern("demo-011\\s+NO_PORTFOLIO");
        assertThat(table).containsPattern("demo-000\\s+COMPLIANT");
        // the first start made the admin token and printed it once; the table's own token is gone again
        assertThat(table.lines().filter(line -> line.startsWith("Admin token: pft_"))).hasSize(1);
        assertThat(table).containsOnlyOnce("pft_");
    }

    @Test
    void a_second_start_prints_no_admin_token() {
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        StringWriter out = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(new StringWriter()));
        String[] args = { "demo", "--clients", "1", "--http-port", "0", "--coap-port", "0", "--coaps-port", "0",
                "--data", dataDir.toString(), "--once" };

        assertThat(commandLine.execute(args)).isZero();
        assertThat(out.toString()).contains("Admin token: pft_");
        StringWriter second = new StringWriter();
        commandLine.setOut(new PrintWriter(second));

        assertThat(commandLine.execute(args)).isZero();
        assertThat(second.toString()).doesNotContain("Admin token", "pft_").contains("collection settled:");
    }

    @Test
    void too_many_clients_is_bad_usage() {
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err));

        int code = commandLine.execute("demo", "--clients", "0", "--data", dataDir.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--clients must be 1 to 1000");
    }
}
