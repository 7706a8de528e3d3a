package io.github.lwm2mportfolio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** portfolio server --redis URI --node NAME [--redis-prefix P]: a node of several, and its mistakes. */
class ClusterOptionsTest {

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

    private static final String DB = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private Run server(String... options) {
        String[] args = new String[options.length + 5];
        args[0] = "server";
        args[1] = "--data";
        args[2] = dir.resolve("data").toString();
        args[3] = "--db";
        args[4] = DB;
        System.arraycopy(options, 0, args, 5, options.length);
        return run(args);
    }

    @Test
    void redisWithoutANodeNameAndANodeNameWithoutRedisAreBadUsage() {
        Run noNode = server("--redis", "redis://127.0.0.1:6379");
        Run noRedis = server("--node", "a");

        assertThat(noNode.exitCode()).isEqualTo(2);
        assertThat(noNode.err()).contains("--redis needs --node NAME");
        assertThat(noRedis.exitCode()).isEqualTo(2);
        assertThat(noRedis.err()).contains("--node goes with --redis");
    }

    @Test
    void nodesOnRedisNeedASharedPostgresqlInventory() {
        Run h2 = run("server", "--data", dir.resolve("data").toString(), "--redis", "redis://127.0.0.1:6379",
                "--node", "a");

        assertThat(h2.exitCode()).isEqualTo(2);
        assertThat(h2.err()).contains("--redis needs --db jdbc:postgresql://...");
    }

    @Test
    void badUrisNamesAndPrefixesAreBadUsage() {
        Run uri = server("--redis", "http://127.0.0.1:6379", "--node", "a");
        Run name = server("--redis", "redis://127.0.0.1:6379", "--node", "node one");
        Run prefix = server("--redis", "redis://127.0.0.1:6379", "--node", "a", "--redis-prefix", "p*");

        assertThat(uri.exitCode()).isEqualTo(2);
        assertThat(uri.err()).contains("--redis must be a redis:// or rediss:// URI");
        assertThat(name.exitCode()).isEqualTo(2);
        assertThat(name.err()).contains("--node: 1 to 64 letters");
        assertThat(prefix.exitCode()).isEqualTo(2);
        assertThat(prefix.err()).contains("--redis-prefix: non-empty text without * ? or [");
    }

    @Test
    void dtlsNodeIdsAndClusterAddressesGoWithRedisAndAreChecked() {
        Run alone = server("--dtls-cluster", "10.0.0.5:5784");
        Run id = server("--redis", "redis://127.0.0.1:6379", "--node", "a", "--dtls-node-id", "256");
        Run wildcard = server("--redis", "redis://127.0.0.1:6379", "--node", "a", "--dtls-cluster", "0.0.0.0:5784");
        Run noPort = server("--redis", "redis://127.0.0.1:6379", "--node", "a", "--dtls-cluster", "10.0.0.5");

        assertThat(alone.exitCode()).isEqualTo(2);
        assertThat(alone.err()).contains("--dtls-cluster goes with --redis");
        assertThat(id.exitCode()).isEqualTo(2);
        assertThat(id.err()).contains("--dtls-node-id: 0 to 255");
        assertThat(wildcard.exitCode()).isEqualTo(2);
        assertThat(wildcard.err()).contains("--dtls-cluster must be HOST:PORT, an address the other nodes reach");
        assertThat(noPort.exitCode()).isEqualTo(2);
        assertThat(noPort.err()).contains("--dtls-cluster must be HOST:PORT");
    }

    @Test
    void aNodeUrlIsAnHttpBaseUrlOfANodeOnRedis() {
        Run noRedis = server("--node-url", "http://10.0.0.1:8080");
        Run path = server("--redis", "redis://127.0.0.1:1", "--node", "a", "--node-url", "http://10.0.0.1:8080/api");
        Run scheme = server("--redis", "redis://127.0.0.1:1", "--node", "a", "--node-url", "coap://10.0.0.1:5683");

        assertThat(noRedis.exitCode()).isEqualTo(2);
        assertThat(noRedis.err()).contains("--node-url goes with --redis");
        for (Run bad : new Run[] { path, scheme }) {
            assertThat(bad.exitCode()).isEqualTo(2);
            assertThat(bad.err()).contains("--node-url: a node URL is http://host:port or https://host:port");
        }
    }

    @Test
    void anUnreachableRedisIsARuntimeErrorOnOneLineWithoutThePassword() {
        Run run = server("--redis", "redis://:s3cret@127.0.0.1:1", "--node", "a");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("portfolio: cannot reach Redis at redis://***@127.0.0.1:1")
                .doesNotContain("s3cret").doesNotContain("\n");
    }

    @Test
    void helpNamesTheClusterOptions() {
        assertThat(run("server", "--help").out()).contains("--redis=URI", "--node=NAME",
                "--redis-prefix=PREFIX", "Default: portfolio:", "--node-url=URL", "--dtls-node-id=0-255",
                "--dtls-cluster=HOST:PORT");
    }
}
