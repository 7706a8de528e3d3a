package io.github.lwm2mportfolio.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.lwm2mportfolio.cli.PortfolioCommand;
import io.github.lwm2mportfolio.cli.simulate.SourceHashBalancer;
import picocli.CommandLine;

/**
 * {@code portfolio bench --nodes 1,2 --db ... --redis ...}: ours once per node count, and the combinations that make
 * no sense: exit 2 with the reason, nothing run.
 */
class BenchNodesOptionsTest {

    private static final String DB = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String REDIS = "redis://127.0.0.1:6379";

    @TempDir
    Path temp;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--nodes 2|--nodes needs --db jdbc:postgresql://HOST:PORT/DB, the inventory the nodes share, got none",
            "--nodes 2 --db jdbc:h2:mem:x --redis " + REDIS
                    + "|--nodes needs --db jdbc:postgresql://HOST:PORT/DB, the inventory the nodes share, got 'jdbc:h2:mem:x'",
            "--nodes 2 --db " + DB + "|--nodes needs --redis redis://HOST:PORT, the Redis the nodes share, got none",
            "--nodes 0,2 --db " + DB + " --redis " + REDIS + "|--nodes must be a list of node counts from 1 to 8, got [0, 2]",
            "--nodes 9 --db " + DB + " --redis " + REDIS + "|--nodes must be a list of node counts from 1 to 8, got [9]",
            "--nodes 2 --modes baseline --db " + DB + " --redis " + REDIS
                    + "|--nodes runs ours as nodes: --modes must include portfolio",
            "--nodes 2 --transport dtls --db " + DB + " --redis " + REDIS
                    + "|--nodes runs over plain CoAP only: --transport dtls needs a load balancer that keeps each DTLS "
                    + "session on its node (docs/SCALING.md)",
            "--db " + DB + "|--db and --redis are for ours as nodes: give --nodes too",
            "--redis " + REDIS + "|--db and --redis are for ours as nodes: give --nodes too" })
    void a_bad_combination_is_bad_usage_with_its_reason(String options, String reason) {
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        Path results = temp.resolve("results");
        List<String> arguments = new ArrayList<>(List.of("bench"));
        arguments.addAll(List.of(options.split(" ")));
        arguments.addAll(List.of("--out", results.toString()));

        int code = commandLine.execute(arguments.toArray(String[]::new));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().lines().findFirst()).hasValue(reason);
        assertThat(out.toString()).isEmpty();
        assertThat(Files.exists(results)).isFalse();
    }

    @Test
    void ours_runs_once_per_node_count_beside_the_other_servers() {
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        commandLine.parseArgs("bench", "--clients", "20", "--runs", "1", "--loads", "flat", "--modes",
                "baseline,portfolio", "--nodes", "1,2", "--db", DB, "--redis", REDIS);
        BenchSettings settings = ((BenchCommand) commandLine.getSubcommands().get("bench").getCommand()).settings();

        assertThat(settings.servers()).extracting(ServerSetup::label).containsExactly("bare Leshan",
                "Portfolio, 1 node", "Portfolio, 2 nodes");
        assertThat(settings.plan()).extracting(RunSpec::describe).containsExactly("N=20 flat run 1 baseline",
                "N=20 flat run 1 portfolio 1 node", "N=20 flat run 1 portfolio 2 nodes");
        assertThat(settings.plan().get(2).fileStem()).isEqualTo("20-flat-coap-1-portfolio-2nodes");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--mode portfolio --data d --clients 1 --db " + DB + " --redis " + REDIS,
            "--mode baseline --clients 1 --db " + DB + " --redis " + REDIS + " --redis-prefix p: --node a" })
    void a_bench_server_node_needs_all_four_shared_options_and_ours(String options) {
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        StringWriter errors = new StringWriter();
        commandLine.setErr(new PrintWriter(errors));
        List<String> arguments = new ArrayList<>(List.of("bench-server"));
        arguments.addAll(List.of(options.split(" ")));

        int code = commandLine.execute(arguments.toArray(String[]::new));

        assertThat(code).isEqualTo(2);
        assertThat(errors.toString().lines().findFirst())
                .hasValue("--db, --redis, --redis-prefix and --node go together, with --mode portfolio");
    }

    @Test
    void the_balancer_sends_a_device_always_to_the_same_node_and_spreads_a_fleet() {
        int[] counts = SourceHashBalancer.counts("sim-", 1000, 2);

        assertThat(counts[0] + counts[1]).isEqualTo(1000);
        assertThat(counts[0]).isBetween(400, 600);
        assertThat(SourceHashBalancer.nodeOf("sim-000042", 2)).isEqualTo(SourceHashBalancer.nodeOf("sim-000042", 2));
        assertThat(SourceHashBalancer.counts("sim-", 1000, 1)).containsExactly(1000);
    }
}
