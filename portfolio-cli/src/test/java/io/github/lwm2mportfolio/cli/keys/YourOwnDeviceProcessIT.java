package io.github.lwm2mportfolio.cli.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.core.keys.Pem;

/**
 * The README's "Your own device" as a user runs it, each command a process of the fat jar: a fleet CA, a device's
 * keys, the server trusting the CA, the client over X.509 DTLS; the device ends COMPLIANT with sign AuthData.
 */
class YourOwnDeviceProcessIT {

    private static final Pattern COAPS_URI = Pattern.compile("LwM2M server: (coaps://\\S+) \\(plain CoAP off\\)");
    private static final Pattern REST_URI = Pattern.compile("REST API:\\s+(http://\\S+?)/api/devices");
    /** A server whose REST API asks for tokens prints its first admin token on a line of its own. */
    private static final Pattern ADMIN_TOKEN = Pattern.compile("Admin token: (\\S+)");

    @TempDir
    Path work;

    private final List<Process> running = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process process : running) {
            process.toHandle().destroy(); // SIGTERM, as Ctrl-C: the client deregisters, the server stops
        }
        for (Process process : running) {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    @Timeout(180)
    void a_device_with_a_certificate_of_the_fleet_ca_ends_compliant_over_x509_dtls() throws Exception {
        assertThat(portfolio("keys", "ca", "--out", "fleet-ca")).isZero();
        assertThat(portfolio("keys", "device", "--ca", "fleet-ca", "--endpoint", "meter-1", "--out", "meter-1"))
                .isZero();
        Files.writeString(work.resolve("certified.csv"), "manufacturer,model,software_version\n"
                + "Northwind Metering,NW-E350,3.4.1\n");

        Lines server = start("server", "--trust", "fleet-ca", "--certified", "certified.csv", "--data", "server",
                "--bind", "127.0.0.1", "--coap-port", "0", "--coaps-port", "0", "--http-port", "0");
        String serving = server.until("serving until Ctrl-C");
        Matcher lwm2m = COAPS_URI.matcher(serving);
        Matcher rest = REST_URI.matcher(serving);
        assertThat(lwm2m.find() && rest.find()).as(serving).isTrue();
        assertThat(serving).contains("DTLS certificate: " + Path.of("server", "server-certificate.pem"));

        Lines client = start("client", "--endpoint", "meter-1", "--server", lwm2m.group(1), "--data", "meter-1",
                "--x509", "--server-certificate", "server/server-certificate.pem", "--host-id", "HOST-1",
                "--host-manufacturer", "Northwind Metering", "--host-model", "NW-E350", "--host-sw-version", "3.4.1");
        assertThat(client.until("registered meter-1")).contains("registered meter-1 at " + lwm2m.group(1));

        String api = rest.group(1);
        Matcher token = ADMIN_TOKEN.matcher(serving);
        String bearer = token.find() ? token.group(1) : null;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> "COMPLIANT".equals(
                device(api, bearer, "meter-1").path("summary").path("state").asText()));
        JsonNode verification = device(api, bearer, "meter-1").path("summary").path("lastVerification");
        assertThat(verification.path("outcome").asText()).isEqualTo("VERIFIED");
        assertThat(verification.path("service").asText()).isEqualTo("sign");
        // The server trusts nothing but the fleet CA, and the device's chain ends at it.
        X509Certificate ca = Pem.certificates(Files.readAllBytes(work.resolve("fleet-ca/ca.pem"))).get(0);
        List<X509Certificate> chain = Pem.certificates(Files.readAllBytes(work.resolve("meter-1/device.pem")));
        assertThat(chain.get(chain.size() - 1)).isEqualTo(ca);
        try (var trusted = Files.list(work.resolve("fleet-ca"))) {
            assertThat(trusted.filter(p -> p.toString().endsWith(".pem"))).hasSize(1);
        }
    }

    /** One device's detail from the REST API, with the API token when the server printed one. */
    private static JsonNode device(String api, String bearer, String endpoint)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + "/api/devices/" + endpoint)).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? new ObjectMapper().readTree(response.body())
                : new ObjectMapper().createObjectNode();
    }

    private ProcessBuilder command(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", Path.of(System.getProperty("portfolio.jar")).toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
    }

    private int portfolio(String... args) throws Exception {
        Process process = command(args).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", args) + ": " + output).isZero();
        return process.exitValue();
    }

    private Lines start(String... args) throws IOException {
        Process process = command(args).start();
        running.add(process);
        return new Lines(process);
    }

    /** A running process's output, line by line, read on a thread of its own. */
    private static final class Lines {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder seen = new StringBuilder();

        Lines(Process process) {
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "process-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** Everything up to and including the first line that starts with {@code prefix}. */
        String until(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line != null) {
                    seen.append(line).append('\n');
                    if (line.startsWith(prefix)) {
                        return seen.toString();
                    }
                }
            }
            throw new AssertionError("no line starting with '" + prefix + "' within 60 s; seen:\n" + seen);
        }
    }
}
