package io.github.lwm2mportfolio.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.cli.PortfolioCommand;
import io.github.lwm2mportfolio.client.testing.StrictLwm2mServer;
import io.github.lwm2mportfolio.client.testing.StrictLwm2mServer.Rule;
import io.github.lwm2mportfolio.core.model.HostIdentity;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.DeviceSummary;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;
import picocli.CommandLine;

/** {@code portfolio simulate} as a user runs it: a process against our server, stopped with Ctrl-C (SIGTERM). */
class SimulateCommandTest {

    private static final long SEED = 7;

    @TempDir
    Path dir;

    private PortfolioServer server;
    private String adminToken;

    @BeforeEach
    void startServerTrustingTheSimulator() throws Exception {
        Path trust = dir.resolve("trust");
        SimulatorAuthority.fromSeed(SEED).writeCertificate(trust);
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(0)
                .dataDirectory(dir.resolve("server")).trustDirectory(trust).build();
        server.start();
        adminToken = server.tokens().create("simulator", Role.ADMIN).secret();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void a_fleet_over_coap_is_collected_and_verified_and_deregisters_on_interrupt() throws Exception {
        SimulatorRun run = SimulatorRun.start(dir, adminToken, "simulate", "--clients", "6", "--seed", String.valueOf(SEED),
                "--server", server.coapUri(), "--api", server.restUri(), "--rate", "20", "--prefix", "coap-");
        try {
            awaitVerified("coap-", 6);
            // The same seed makes the same host identities, run after run.
            Map<HostIdentity, String> expected = SimulatedHosts.host(SEED, 3);
            DeviceSummary third = server.inventory().device("coap-000003").orElseThrow().summary();
            assertThat(third.host().uniqueId()).isEqualTo(expected.get(HostIdentity.UNIQUE_ID));
            assertThat(third.host().model()).isEqualTo(expected.get(HostIdentity.MODEL));

            Map<String, Object> stats = run.interruptAndReadStats();
            assertThat(stats).containsEntry("clients", 6).containsEntry("registered", 6)
                    .containsEntry("serverVerified", 6).containsEntry("failed", 0).containsEntry("deregistered", 6);
            assertThat(run.output()).contains("summary: registered 6/6", "stopping: deregistering every client");
            await().atMost(Duration.ofSeconds(10)).until(() -> server.inventory().device("coap-000000")
                    .map(d -> !d.summary().online()).orElse(false));
        } finally {
            run.kill();
        }
    }

    @Test
    void a_fleet_over_dtls_psk_gives_the_server_its_keys_and_is_verified() throws Exception {
        SimulatorRun run = SimulatorRun.start(dir, adminToken, "simulate", "--clients", "3", "--seed", String.valueOf(SEED),
                "--server", server.coapsUri(), "--api", server.restUri(), "--prefix", "psk-");
        try {
            awaitVerified("psk-", 3);
            assertThat(server.inventory().credential("psk-000002")).isPresent();
            assertThat(run.interruptAndReadStats()).containsEntry("registered", 3).containsEntry("serverVerified", 3);
        } finally {
            run.kill();
        }
    }

    @Test
    void bare_leshan_clients_register_without_a_portfolio() throws Exception {
        SimulatorRun run = SimulatorRun.start(dir, adminToken, "simulate", "--clients", "3", "--bare", "--server",
                server.coapUri(), "--prefix", "bare-");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> states("bare-", 3)
                    .equals(List.of(ComplianceState.NO_PORTFOLIO, ComplianceState.NO_PORTFOLIO,
                            ComplianceState.NO_PORTFOLIO)));
            Map<String, Object> stats = run.interruptAndReadStats();
            assertThat(stats).containsEntry("bare", true).containsEntry("registered", 3)
                    .containsEntry("challenged", 0);
            assertThat(((Number) stats.get("threadsWithClients")).intValue()).isLessThan(60);
        } finally {
            run.kill();
        }
    }

    @Test
    void a_fleet_pointed_at_a_strict_server_falls_back_to_lwm2m_1_0_or_registers_as_told() throws Exception {
        try (StrictLwm2mServer strict = new StrictLwm2mServer(Rule.SINGLE_CT)) {
            SimulatorRun run = SimulatorRun.start(dir, adminToken, "simulate", "--clients", "3", "--server",
                    strict.coapUri(), "--prefix", "strict-");
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> run.output().contains("3 fell back to LwM2M 1.0"));
                assertThat(run.interruptAndReadStats()).containsEntry("registered", 3)
                        .containsEntry("fellBackToLwm2m10", 3);
                assertThat(strict.registers()).extracting(register -> register.query().get("lwm2m"))
                        .containsExactlyInAnyOrder("1.1", "1.1", "1.1", "1.0", "1.0", "1.0");
            } finally {
                run.kill();
            }
        }
        try (StrictLwm2mServer strict = new StrictLwm2mServer(Rule.SINGLE_CT, Rule.LWM2M_1_0_ONLY)) {
            SimulatorRun run = SimulatorRun.start(dir, adminToken, "simulate", "--clients", "2", "--server",
                    strict.coapUri(), "--prefix", "told-", "--lwm2m-version", "1.0", "--advertised-format", "tlv",
                    "--bare");
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> run.output().contains("registered 2/2 |"));
                assertThat(run.interruptAndReadStats()).containsEntry("registered", 2)
                        .containsEntry("fellBackToLwm2m10", 0);
                assertThat(strict.registers()).allSatisfy(register -> {
                    assertThat(register.accepted()).isTrue();
                    assertThat(register.payload()).startsWith("</>;rt=\"oma.lwm2m\";ct=11542,");
                });
            } finally {
                run.kill();
            }
        }
    }

    @Test
    void an_interrupt_during_the_warm_up_stops_the_simulator_without_the_measured_fleet() throws Exception {
        // A server that never answers: the warm-up cannot finish by itself.
        SimulatorRun run = SimulatorRun.start(dir, adminToken, "simulate", "--clients", "5", "--warmup", "2", "--server",
                "coap://127.0.0.1:9", "--prefix", "never-");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> run.output().contains("warming up with 2 clients"));
            run.process().toHandle().destroy();
            assertThat(run.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(run.output()).contains("stopped during the warm-up").doesNotContain("built 5");
        } finally {
            run.kill();
        }
    }

    @Test
    void bad_options_are_refused_with_exit_code_2_and_one_line() {
        assertBadUsage("--clients 0", "--clients must be 1 to 100000, got 0", "--clients", "0", "--server",
                "coap://127.0.0.1:5683");
        assertBadUsage("http URI", "--server must be coap://HOST:PORT or coaps://HOST:PORT", "--clients", "2",
                "--server", "http://127.0.0.1:8080");
        assertBadUsage("negative rate", "--rate must be 0 or more", "--clients", "2", "--server",
                "coap://127.0.0.1:5683", "--rate", "-1");
        assertBadUsage("bad service", "--service must be sign, mac or encrypt", "--clients", "2", "--server",
                "coap://127.0.0.1:5683", "--service", "rot13");
        assertBadUsage("bad prefix", "--prefix may hold", "--clients", "2", "--server", "coap://127.0.0.1:5683",
                "--prefix", "a/b");
        assertBadUsage("bad advertised format", "the advertised format must be all, none or one of", "--clients", "2",
                "--server", "coap://127.0.0.1:5683", "--advertised-format", "xml");
    }

    @Test
    void no_clients_with_trust_out_only_writes_the_certificate_a_server_needs() throws Exception {
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        StringWriter out = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        Path trust = dir.resolve("only-trust");
        assertThat(commandLine.execute("simulate", "--clients", "0", "--seed", "9", "--trust-out", trust.toString(),
                "--server", "coap://127.0.0.1:5683")).isZero();
        assertThat(trust.resolve("simulator-ca-9.pem")).content().startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(out.toString()).contains("--trust " + trust);
    }

    private void awaitVerified(String prefix, int count) {
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            for (int i = 0; i < count; i++) {
                boolean verified = server.inventory().device(SimulatedFleet.endpoint(prefix, i))
                        .map(d -> d.summary().lastVerification())
                        .filter(v -> v.outcome() == VerificationOutcome.VERIFIED).isPresent();
                if (!verified) {
                    return false;
                }
            }
            return true;
        });
    }

    private List<ComplianceState> states(String prefix, int count) {
        List<ComplianceState> states = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Optional<ComplianceState> state = server.inventory().device(SimulatedFleet.endpoint(prefix, i))
                    .map(d -> d.summary().state());
            state.ifPresent(states::add);
        }
        return states;
    }

    private static void assertBadUsage(String what, String message, String... args) {
        CommandLine commandLine = PortfolioCommand.newCommandLine();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(new StringWriter()));
        commandLine.setErr(new PrintWriter(err));
        String[] full = new String[args.length + 1];
        full[0] = "simulate";
        System.arraycopy(args, 0, full, 1, args.length);
        assertThat(commandLine.execute(full)).as(what).isEqualTo(2);
        assertThat(err.toString()).as(what).contains(message);
    }

    /** The simulator in a JVM of its own, its output in a file (a pipe nobody reads would block it). */
    private record SimulatorRun(Process process, Path outputFile, Path stats) {

        /** @param token the API token, given as a user does: in the environment (PORTFOLIO_TOKEN) */
        static SimulatorRun start(Path dir, String token, String... args) throws Exception {
            Path output = Files.createTempFile(dir, "simulate", ".out");
            Path stats = dir.resolve("stats-" + System.nanoTime() + ".json");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", System.getProperty("java.class.path"), PortfolioCommand.class.getName()));
            command.addAll(List.of(args));
            command.addAll(List.of("--data", dir.resolve("clients-" + System.nanoTime()).toString(), "--stats-file",
                    stats.toString(), "--progress-interval", "PT0.2S"));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put("PORTFOLIO_TOKEN", token);
            Process process = builder.start();
            return new SimulatorRun(process, output, stats);
        }

        /** SIGTERM, as Ctrl-C: the simulator deregisters, prints its summary and writes its stats. */
        Map<String, Object> interruptAndReadStats() throws Exception {
            process.toHandle().destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the simulator stopped").isTrue();
            assertThat(stats).as("stats file; output:%n%s", output()).exists();
            return new ObjectMapper().readValue(stats.toFile(), new TypeReference<Map<String, Object>>() {
            });
        }

        String output() throws Exception {
            return Files.readString(outputFile);
        }

        void kill() {
            process.destroyForcibly();
        }
    }
}
