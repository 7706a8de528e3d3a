package io.github.lwm2mportfolio.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.eclipse.leshan.client.LeshanClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.cli.DurationConverter;
import io.github.lwm2mportfolio.cli.PortfolioCommand;
import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.core.keys.Pkcs12KeySource;
import io.github.lwm2mportfolio.core.model.HostIdentity;
import picocli.CommandLine;

/** {@code portfolio bench-server} in-process, in every mode, with real clients on loopback. */
@Timeout(120)
class BenchServerCommandTest {

    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    private final ExecutorService runner = Executors.newSingleThreadExecutor();
    private final LineCapture out = new LineCapture();
    private final StringWriter err = new StringWriter();
    private final PipedOutputStream stdin = new PipedOutputStream();
    private final List<LeshanClient> bareClients = new ArrayList<>();
    private final List<PortfolioClient> portfolioClients = new ArrayList<>();
    private Future<Integer> exitCode;

    @AfterEach
    void stopEverything() throws Exception {
        bareClients.forEach(client -> client.destroy(true));
        portfolioClients.forEach(PortfolioClient::close);
        stdin.close();
        runner.shutdown();
        assertThat(runner.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void baseline_reads_each_device_once_and_reports_every_one_done() throws Exception {
        String uri = startServer("--mode", "baseline", "--clients", "3");
        assertThat(uri).startsWith("coap://127.0.0.1:");

        for (int i = 0; i < 3; i++) {
            bareClients.add(BareLeshanTestClient.start("bare-" + i, uri));
        }

        ServerResult result = awaitResult();
        assertThat(result.mode()).isEqualTo("baseline");
        assertThat(result.clients()).isEqualTo(3);
        assertThat(result.completed()).isEqualTo(3);
        assertThat(result.failed()).isZero();
        assertThat(result.timedOut()).isFalse();
        assertThat(result.p50Ms()).isPositive().isLessThanOrEqualTo(result.p99Ms());
        assertThat(result.devicesPerSecond()).isPositive();
        assertThat(result.cpuSecondsPerDevice()).isPositive();
        assertThat(stopServer()).as(err.toString()).isZero();
    }

    @Test
    void reregister_reports_the_first_wave_then_the_clients_registering_again_without_deregistering()
            throws Exception {
        String uri = startServer("--mode", "baseline", "--clients", "2", "--reregister");
        for (int i = 0; i < 2; i++) {
            bareClients.add(BareLeshanTestClient.start("storm-" + i, uri));
        }
        String wave = out.awaitLineStartingWith(BenchServerCommand.WAVE, WITHIN);
        ServerResult first = BenchJson.mapper().readValue(wave.substring(BenchServerCommand.WAVE.length()),
                ServerResult.class);
        assertThat(first.completed()).isEqualTo(2);

        for (LeshanClient client : bareClients) {
            client.stop(false); // as after an outage: gone without a word, then back
            client.start();
        }

        ServerResult second = awaitResult();
        assertThat(second.completed()).isEqualTo(2);
        assertThat(second.failed()).isZero();
        assertThat(second.timedOut()).isFalse();
        assertThat(second.devicesPerSecond()).isPositive();
        assertThat(stopServer()).as(err.toString()).isZero();
    }

    @Test
    void an_unknown_transport_is_bad_usage() {
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        StringWriter errors = new StringWriter();
        commandLine.setErr(new PrintWriter(errors));

        int code = commandLine.execute("bench-server", "--mode", "baseline", "--clients", "1", "--transport", "tls");

        assertThat(code).isEqualTo(2);
        assertThat(errors.toString().lines().findFirst()).hasValue("--transport must be coap or dtls, got 'tls'");
    }

    @Test
    void portfolio_counts_stored_verdicts_and_reports_a_refused_one_as_a_failure() throws Exception {
        Path trust = Files.createDirectories(temp.resolve("trust"));
        List<Pkcs12KeySource> keys = keysTrustingAllButTheLast(trust);
        String uri = startServer("--mode", "portfolio", "--clients", "3", "--data",
                temp.resolve("server").toString(), "--trust", trust.toString());
        startSigningClients(uri, keys);

        ServerResult result = awaitResult();
        assertThat(result.mode()).isEqualTo("portfolio");
        assertThat(result.completed()).isEqualTo(2);
        assertThat(result.failed()).isEqualTo(1);
        assertThat(result.failures()).singleElement().asString().startsWith("ours-2: verdict FAILED");
        assertThat(result.timedOut()).isFalse();
        assertThat(result.p99Ms()).isPositive();
        assertThat(stopServer()).as(err.toString()).isZero();
    }

    @Test
    void floor_checks_the_signatures_and_reports_an_untrusted_signer_as_a_failure() throws Exception {
        Path trust = Files.createDirectories(temp.resolve("trust"));
        List<Pkcs12KeySource> keys = keysTrustingAllButTheLast(trust);
        String uri = startServer("--mode", "floor", "--clients", "3", "--trust", trust.toString());
        startSigningClients(uri, keys);

        ServerResult result = awaitResult();
        assertThat(result.mode()).isEqualTo("floor");
        assertThat(result.completed()).isEqualTo(2);
        assertThat(result.failed()).isEqualTo(1);
        assertThat(result.failures()).singleElement().asString().startsWith("ours-2: ").contains("no CA for");
        assertThat(result.cpuSecondsPerDevice()).isPositive();
        assertThat(stopServer()).as(err.toString()).isZero();
    }

    @Test
    void floor_without_trust_anchors_is_bad_usage() {
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        commandLine.setErr(new PrintWriter(err));

        int code = commandLine.execute("bench-server", "--mode", "floor", "--clients", "1");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().lines().findFirst()).hasValue("--mode floor needs --trust");
    }

    /** Three devices' keys; the certificates of the first two are trusted, in {@code trust}. */
    private List<Pkcs12KeySource> keysTrustingAllButTheLast(Path trust) throws Exception {
        List<Pkcs12KeySource> keys = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String endpoint = "ours-" + i;
            Pkcs12KeySource source = Pkcs12KeySource.openOrCreate(temp.resolve(endpoint).resolve("keys.p12"),
                    "pw".toCharArray(), endpoint, null);
            keys.add(source);
            if (i != 2) { // the last one signs with a key the server does not trust
                Files.write(trust.resolve(endpoint + ".der"),
                        source.signingKey(source.defaultKeyId()).chain().get(0).getEncoded());
            }
        }
        return keys;
    }

    private void startSigningClients(String uri, List<Pkcs12KeySource> keys) throws Exception {
        for (int i = 0; i < keys.size(); i++) {
            String endpoint = "ours-" + i;
            PortfolioClient client = PortfolioClient.builder(endpoint).serverUri(uri)
                    .dataDirectory(temp.resolve(endpoint)).keySource(keys.get(i))
                    .localAddress(InetAddress.getLoopbackAddress())
                    .hostIdentity(HostIdentity.UNIQUE_ID, "HOST-" + i)
                    .hostIdentity(HostIdentity.MANUFACTURER, "Northwind Metering")
                    .hostIdentity(HostIdentity.MODEL, "NW-E350").hostIdentity(HostIdentity.SOFTWARE_VERSION, "3.4.1")
                    .build();
            portfolioClients.add(client);
            client.start();
        }
    }

    @Test
    void a_device_that_never_comes_is_reported_as_a_timeout_with_what_was_done() throws Exception {
        String uri = startServer("--mode", "baseline", "--clients", "2", "--timeout", "PT1S");
        bareClients.add(BareLeshanTestClient.start("lonely-0", uri));

        ServerResult result = awaitResult();
        assertThat(result.timedOut()).isTrue();
        assertThat(result.completed()).isEqualTo(1);
        assertThat(result.allDone()).isFalse();
        assertThat(stopServer()).isZero();
    }

    @Test
    void an_unknown_mode_is_bad_usage() {
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        commandLine.setErr(new PrintWriter(err));

        int code = commandLine.execute("bench-server", "--mode", "fast", "--clients", "1");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().lines().findFirst()).hasValue("--mode must be baseline, floor or portfolio, got 'fast'");
    }

    private String startServer(String... args) throws Exception {
        CommandLine commandLine = new CommandLine(new BenchServerCommand(new PipedInputStream(stdin)))
                .registerConverter(Duration.class, new DurationConverter()); // as the portfolio command does
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        exitCode = runner.submit(() -> commandLine.execute(args));
        return out.awaitLineStartingWith(BenchServerCommand.READY, WITHIN)
                .substring(BenchServerCommand.READY.length());
    }

    private ServerResult awaitResult() throws Exception {
        String line = out.awaitLineStartingWith(BenchServerCommand.RESULT, WITHIN);
        return BenchJson.mapper().readValue(line.substring(BenchServerCommand.RESULT.length()), ServerResult.class);
    }

    /** Closes the server's standard input, as the bench does, and returns its exit code. */
    private int stopServer() throws Exception {
        stdin.close();
        return exitCode.get(30, TimeUnit.SECONDS);
    }
}
