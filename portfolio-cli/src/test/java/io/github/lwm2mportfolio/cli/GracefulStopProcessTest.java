package io.github.lwm2mportfolio.cli;

import static io.github.lwm2mportfolio.cli.ProcessTexts.freeUdpPort;
import static io.github.lwm2mportfolio.cli.ProcessTexts.group;
import static io.github.lwm2mportfolio.cli.ProcessTexts.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.core.model.HostIdentity;
import io.github.lwm2mportfolio.server.collector.Collector;
import io.github.lwm2mportfolio.server.inventory.DeviceDetail;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;

/**
 * {@code portfolio server} stopped by SIGTERM while collections are under way (issue 14): devices that registered
 * and then fell silent keep a collection waiting on them; the stop lets what can finish finish within
 * {@code --shutdown-grace}, records the rest as interrupted in the inventory, says so in two lines and exits 0.
 * While it stops, new registrations get 5.03 with Max-Age and REST requests 503 JSON; a second SIGTERM exits at
 * once with 143.
 */
class GracefulStopProcessTest {

    private static final int SILENT = 4;
    private static final int CLIENTS = 6;

    @TempDir
    Path dir;

    private final List<PortfolioClient> clients = new ArrayList<>();
    private Process server;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        clients.forEach(PortfolioClient::close);
        if (server != null) {
            server.destroyForcibly();
        }
    }

    @Test
    @Timeout(180)
    void sigterm_lets_collections_finish_records_the_cut_short_ones_and_exits_0() throws Exception {
        int coapPort = freeUdpPort();
        Started started = start(coapPort, "2s");
        for (int i = 0; i < CLIENTS; i++) {
            PortfolioClient client = PortfolioClient.builder("graceful-" + i)
                    .serverUri("coap://127.0.0.1:" + coapPort).inMemoryStore().identityOnly()
                    .localAddress(InetAddress.getLoopbackAddress())
                    .hostIdentity(HostIdentity.UNIQUE_ID, "HDID-G" + i).build();
            clients.add(client);
            client.start();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> devices(started).split("\"HDID-G", -1).length - 1
                == CLIENTS);
        registerSilentDevices(coapPort);
        // a silent device's collection begins as it registers: it then waits for answers that never come (the
        // device is written to the inventory with its collection's outcome, so the log says when it began)
        await().atMost(Duration.ofSeconds(30)).until(() -> silentRegistered() == SILENT);

        long signalled = System.nanoTime();
        server.toHandle().destroy(); // SIGTERM
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("stopped").isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - signalled);

        String output = output();
        assertThat(server.exitValue()).as(output).isZero();
        Matcher stopping = Pattern.compile("stopping \\(SIGTERM\\): (\\d+) collections in flight, (\\d+) waiting not "
                + "started; new registrations answered 5.03, REST requests 503; waiting up to 2s").matcher(output);
        assertThat(stopping.find()).as(output).isTrue();
        Matcher stopped = Pattern.compile("stopped: (\\d+) finished, (\\d+) recorded as interrupted; inventory closed")
                .matcher(output);
        assertThat(stopped.find()).as(output).isTrue();
        int inFlight = Integer.parseInt(stopping.group(1));
        int interrupted = Integer.parseInt(stopped.group(2));
        assertThat(interrupted).as(output).isEqualTo(SILENT);
        assertThat(Integer.parseInt(stopped.group(1)) + interrupted).as(output).isEqualTo(inFlight);
        assertThat(output).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("ERROR");
        // the grace, plus the few seconds of closing the listeners and the database: not the 5 s of each read
        assertThat(took).as(output).isLessThan(Duration.ofSeconds(20));

        try (JdbcInventory inventory = JdbcInventory.open(JdbcInventory.h2Url(dir.resolve("data")))) {
            for (int i = 0; i < CLIENTS; i++) {
                assertThat(inventory.device("graceful-" + i)).as("graceful-%d kept", i).isPresent();
            }
            for (int i = 0; i < SILENT; i++) {
                DeviceDetail silent = inventory.device("silent-" + i).orElseThrow();
                assertThat(silent.collectionError()).isEqualTo(Collector.STOPPING);
            }
        }
    }

    @Test
    @Timeout(180)
    void while_stopping_registrations_get_503_and_a_second_sigterm_exits_at_once() throws Exception {
        int coapPort = freeUdpPort();
        Started started = start(coapPort, "2m");
        registerSilentDevices(coapPort);
        await().atMost(Duration.ofSeconds(30)).until(() -> silentRegistered() == SILENT);

        server.toHandle().destroy(); // SIGTERM: the silent devices' collections hold the stop for up to 2 minutes
        await().atMost(Duration.ofSeconds(30)).until(() -> output().contains("stopping (SIGTERM)"));

        HttpResponse<String> api = get(started, "/api/devices");
        assertThat(api.statusCode()).isEqualTo(503);
        assertThat(api.body()).contains("\"error\"").contains("the server is stopping");
        assertThat(api.headers().firstValue("Retry-After")).contains("30");
        HttpResponse<String> ready = get(started, "/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("stopping");
        CoapEndpoint endpoint = loopbackEndpoint();
        try {
            CoapResponse refused = register(endpoint, coapPort, "late-comer");
            assertThat(refused.getCode()).isEqualTo(ResponseCode.SERVICE_UNAVAILABLE);
            assertThat(refused.getOptions().getMaxAge()).isEqualTo(30);
            assertThat(refused.getResponseText()).contains("stopping");
        } finally {
            endpoint.destroy();
        }

        long second = System.nanoTime();
        server.toHandle().destroy(); // SIGTERM again
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - second)).as("at once, not after the grace")
                .isLessThan(Duration.ofSeconds(10));
        assertThat(server.exitValue()).as(output()).isEqualTo(143);
        assertThat(output()).contains("SIGTERM again: exiting at once with 143").doesNotContain("\tat ");
    }

    private record Started(String api, String token) {
    }

    private Started start(int coapPort, String grace) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), PortfolioCommand.class.getName(),
                "server", "--bind", "127.0.0.1", "--coap-port", String.valueOf(coapPort), "--coaps-port", "0",
                "--http-port", "0", "--shutdown-grace", grace, "--data", dir.resolve("data").toString()));
        server = new ProcessBuilder(command).redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile()).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> output().contains("serving until Ctrl-C"));
        return new Started(group(output(), "REST API: +(http://\\S+)/api/devices"),
                group(output(), "(?m)^Admin token: (pft_\\S+)$"));
    }

    /**
     * Registers devices with a Portfolio object, each from a socket closed once it is answered: nothing answers
     * their reads (an open socket would reject them at once).
     */
    private static void registerSilentDevices(int coapPort) throws Exception {
        for (int i = 0; i < SILENT; i++) {
            CoapEndpoint endpoint = loopbackEndpoint();
            try {
                assertThat(register(endpoint, coapPort, "silent-" + i).getCode()).isEqualTo(ResponseCode.CREATED);
            } finally {
                endpoint.destroy();
            }
        }
    }

    private static CoapEndpoint loopbackEndpoint() {
        return CoapEndpoint.builder().setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .setConfiguration(Configuration.createStandardWithoutFile()).build();
    }

    private static CoapResponse register(CoapEndpoint endpoint, int coapPort, String name) throws Exception {
        CoapClient client = new CoapClient(URI.create("coap://127.0.0.1:" + coapPort + "/rd?ep=" + name
                + "&lt=300&lwm2m=1.1&b=U")).setEndpoint(endpoint).setTimeout(10_000L);
        try {
            return client.post("</1/0>,</3/0>,</16/0>", MediaTypeRegistry.APPLICATION_LINK_FORMAT);
        } finally {
            client.shutdown();
        }
    }

    /** The silent devices whose registration the server logged: their collections begin at once. */
    private int silentRegistered() throws Exception {
        return output().split("registered silent-", -1).length - 1;
    }

    private String devices(Started started) throws Exception {
        return get(started, "/api/devices?size=100").body();
    }

    private HttpResponse<String> get(Started started, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(started.api() + path))
                .header("Authorization", "Bearer " + started.token()).timeout(Duration.ofSeconds(10)).build(),
                BodyHandlers.ofString());
    }

    private String output() throws Exception {
        return read(dir.resolve("out")) + read(dir.resolve("err"));
    }
}
