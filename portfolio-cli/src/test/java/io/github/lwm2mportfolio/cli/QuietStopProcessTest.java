package io.github.lwm2mportfolio.cli;

import static io.github.lwm2mportfolio.cli.ProcessTexts.freeUdpPort;
import static io.github.lwm2mportfolio.cli.ProcessTexts.group;
import static io.github.lwm2mportfolio.cli.ProcessTexts.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.core.model.HostIdentity;
import io.github.lwm2mportfolio.client.PortfolioClient;

/**
 * {@code portfolio server} stopped by SIGTERM while clients register and REST requests (reads and verifications,
 * which write to the database) keep coming: it prints no stack trace, no interrupted-thread or "database is
 * already closed" message (issue 11), only its own two lines of what the stop did, and exits with 0: a stop that
 * was asked for is not a failure (issue 14; before, 143 as any JVM stopped by SIGTERM).
 */
class QuietStopProcessTest {

    private static final int CLIENTS = 20;
    private static final int REST_THREADS = 4;

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void sigterm_under_load_stops_quietly() throws Exception {
        int coapPort = freeUdpPort();
        Path out = dir.resolve("server.out");
        Path err = dir.resolve("server.err");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), PortfolioCommand.class.getName(),
                "server", "--bind", "127.0.0.1", "--coap-port", String.valueOf(coapPort), "--coaps-port", "0",
                "--http-port", "0", "--data", dir.resolve("data").toString()));
        Process server = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        List<PortfolioClient> clients = new ArrayList<>();
        ExecutorService load = Executors.newFixedThreadPool(REST_THREADS);
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> read(out).contains("serving until Ctrl-C"));
            String token = group(read(out), "(?m)^Admin token: (pft_\\S+)$");
            String api = group(read(out), "REST API: +(http://\\S+)/api/devices");
            for (int i = 0; i < CLIENTS; i++) {
                PortfolioClient client = PortfolioClient.builder("quiet-" + i)
                        .serverUri("coap://127.0.0.1:" + coapPort).inMemoryStore().identityOnly()
                        .localAddress(InetAddress.getLoopbackAddress())
                        .hostIdentity(HostIdentity.UNIQUE_ID, "HDID-Q" + i).build();
                clients.add(client);
                client.start();
            }
            HttpClient http = HttpClient.newHttpClient();
            for (int t = 0; t < REST_THREADS; t++) {
                int thread = t;
                load.submit(() -> {
                    for (int n = 0; loading.get(); n++) {
                        String path = n % 2 == 0 ? "/api/devices?size=50"
                                : "/api/devices/quiet-" + ((n + thread) % CLIENTS) + "/verify";
                        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path))
                                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10));
                        try {
                            http.send(n % 2 == 0 ? request.GET().build()
                                    : request.POST(HttpRequest.BodyPublishers.noBody()).build(),
                                    BodyHandlers.discarding());
                            answered.incrementAndGet();
                        } catch (Exception e) {
                            return null; // the server went away: the load is over
                        }
                    }
                    return null;
                });
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> answered.get() > 200
                    && collected(http, api, token) >= CLIENTS / 2);

            server.toHandle().destroy(); // SIGTERM
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("stopped in time").isTrue();
        } finally {
            loading.set(false);
            load.shutdownNow();
            clients.forEach(PortfolioClient::close);
            server.destroyForcibly();
        }

        String output = read(out) + read(err);
        assertThat(server.exitValue()).as(output).isZero();
        assertThat(output).contains("stopping (SIGTERM): ").containsPattern("stopped: \\d+ finished, \\d+ recorded "
                + "as interrupted; inventory closed");
        // the rest, apart from those two lines, says nothing of the stop
        output = output.replaceAll("(?m)^stop(ping|ped)\\b.*$", "");
        assertThat(output).doesNotContain("\tat ").doesNotContain("Exception")
                .doesNotContainIgnoringCase("interrupted").doesNotContainIgnoringCase("already closed")
                .doesNotContain("ERROR").doesNotContain("WARN");
    }

    private static int collected(HttpClient http, String api, String token) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(api + "/api/devices?size=100"))
                .header("Authorization", "Bearer " + token).build(), BodyHandlers.ofString()).body();
        return body.split("\"HDID-Q", -1).length - 1;
    }
}
