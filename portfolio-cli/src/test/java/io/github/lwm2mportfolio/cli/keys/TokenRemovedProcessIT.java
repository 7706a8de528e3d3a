package io.github.lwm2mportfolio.cli.keys;

import static io.github.lwm2mportfolio.cli.keys.KeysCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ReadRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * A token taken away from a running {@code portfolio client} (a process of its own, with a SoftHSM2 token of its
 * own, chosen by its label through the jar's Add-Exports): the next GetAuthData ends in AuthStatus ERROR with the
 * reason in its log, and the client keeps serving. (A token put back is not tested: SoftHSM2 does not see a token
 * made again while a process has its library loaded; C_GetSlotList then answers CKR_GENERAL_ERROR.)
 */
class TokenRemovedProcessIT {

    private static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");

    @TempDir
    Path work;

    @Test
    @Timeout(180)
    void a_token_taken_away_ends_get_auth_data_in_error_and_the_client_keeps_serving() throws Exception {
        assumeTrue(Files.isRegularFile(LIBRARY), "softhsm2 is not installed (apt-get install softhsm2; .ci/run "
                + "installs it): PKCS#11 test skipped");
        Path conf = work.resolve("softhsm2.conf");
        Path tokens = Files.createDirectories(work.resolve("tokens"));
        Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\n");
        initToken(conf);
        Path pin = ownerOnly("pin", "2468");
        Path secret = work.resolve("fleet.secret");
        assertThat(run("keys", "fleet-secret", "--out", secret.toString()).exitCode()).isZero();
        byte[] master = HexFormat.of().parseHex(Files.readString(secret).strip());

        try (PortfolioServer server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0)
                .httpPort(-1).dataDirectory(work.resolve("server")).fleetMasterKey(master)
                .collector(CollectorConfig.defaults().withService(AuthService.MAC)).build()) {
            server.inventory().replaceCertifications(new CertificationList(
                    List.of(new Certification("Northwind Metering", "NW-E350", "3.4.1")), Set.of()));
            server.start();
            ProcessBuilder clientCommand = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin",
                    "java").toString(), "-jar", Path.of(System.getProperty("portfolio.jar")).toAbsolutePath()
                    .toString(), "client", "--endpoint", "meter-token", "--server", server.coapUri(), "--data",
                    work.resolve("meter-token").toString(), "--token-library", LIBRARY.toString(), "--token-label",
                    "removable", "--token-pin-file",
                    pin.toString(), "--fleet-key-file", secret.toString(), "--host-id", "HOST-T",
                    "--host-manufacturer", "Northwind Metering", "--host-model", "NW-E350", "--host-sw-version",
                    "3.4.1")).redirectErrorStream(true);
            clientCommand.environment().put("SOFTHSM2_CONF", conf.toString());
            Process client = clientCommand.start();
            List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread reader = new Thread(() -> readLines(client, output), "client-output");
            reader.setDaemon(true);
            reader.start();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> server.inventory().device("meter-token")
                        .map(d -> d.summary().lastVerification() != null).orElse(false));
                assertThat(server.inventory().device("meter-token").orElseThrow().summary().lastVerification()
                        .outcome()).as(String.join("\n", output)).isEqualTo(VerificationOutcome.VERIFIED);

                deleteContents(tokens); // the token is gone
                Verification after = server.collector().verifyNow("meter-token").get(60, TimeUnit.SECONDS);

                assertThat(after.outcome()).isEqualTo(VerificationOutcome.DEVICE_ERROR);
                assertThat(after.reason()).contains("AuthStatus ERROR");
                await().atMost(Duration.ofSeconds(10)).until(() -> String.join("\n", output)
                        .contains("GetAuthData on /16/0 failed: "));
                var registration = server.lwm2mServer().getRegistrationService().getByEndpoint("meter-token");
                assertThat(server.lwm2mServer().send(registration, new ReadRequest(ContentFormat.TEXT, "/16/0/0/1"),
                        10_000).getCode()).isEqualTo(ResponseCode.CONTENT);
                assertThat(client.isAlive()).isTrue();
            } finally {
                client.toHandle().destroy();
                if (!client.waitFor(30, TimeUnit.SECONDS)) {
                    client.destroyForcibly();
                }
            }
        }
    }

    private static void initToken(Path conf) throws IOException, InterruptedException {
        ProcessBuilder init = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", "removable",
                "--pin", "2468", "--so-pin", "13579").redirectErrorStream(true);
        init.environment().put("SOFTHSM2_CONF", conf.toString());
        Process initProcess = init.start();
        initProcess.getInputStream().readAllBytes();
        assertThat(initProcess.waitFor()).isZero();
    }

    private Path ownerOnly(String name, String content) throws IOException {
        Path file = work.resolve(name);
        Files.writeString(file, content + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static void readLines(Process process, List<String> output) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.add(line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static void deleteContents(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(directory)).forEach(p -> p.toFile().delete());
        }
    }
}
