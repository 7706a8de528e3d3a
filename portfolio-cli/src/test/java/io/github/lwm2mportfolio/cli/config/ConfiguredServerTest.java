package io.github.lwm2mportfolio.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.cli.PortfolioCommand;
import picocli.CommandLine;

/** A server started from nothing but a settings file listens where the file says and answers its health check. */
class ConfiguredServerTest {

    private static final Pattern REST_LINE = Pattern.compile("REST API: +(http://\\S+)/api/devices");

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void a_server_started_from_a_config_file_answers_health_live() throws Exception {
        Path config = Files.writeString(dir.resolve("portfolio.yaml"), """
                # every listener on loopback, on a free port
                bind: 127.0.0.1
                http-host: 127.0.0.1
                coap-port: 0
                coaps-port: 0
                http-port: 0
                collection-interval: 0
                data: %s
                """.formatted(dir.resolve("data")));
        CommandLine commandLine = PortfolioCommand.newCommandLine(Map.of());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        Thread server = new Thread(() -> commandLine.execute("server", "--config", config.toString()),
                "configured-server");
        server.start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(
                    () -> out.toString().contains("serving until Ctrl-C") || !server.isAlive());
            assertThat(server.isAlive()).as(out + "\n" + err).isTrue();
            Matcher api = REST_LINE.matcher(out.toString());
            assertThat(api.find()).as(out.toString()).isTrue();

            HttpResponse<String> live = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(api.group(1) + "/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
            assertThat(dir.resolve("data")).as("the data directory the file names").isDirectory();
        } finally {
            server.interrupt();
            server.join(Duration.ofSeconds(30).toMillis());
        }
    }
}
