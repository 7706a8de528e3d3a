package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;

/** What the console says when a device goes offline and when the server goes away, in headless Chromium. */
class ConsoleFailuresTest {

    @TempDir
    Path dataDir;

    private ConsoleBrowser browser;
    private PortfolioServer server;
    private Fleet fleet;

    @AfterEach
    void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (fleet != null) {
                fleet.close();
            }
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void an_offline_device_and_an_unreachable_server_are_said_in_words() throws Exception {
        browser = ConsoleBrowser.open(dataDir.resolve("chromium-profile"));
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(0)
                .dataDirectory(dataDir.resolve("server"))
                .collector(CollectorConfig.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10),
                        Duration.ofMillis(100)))
                .build();
        server.start();
        fleet = new Fleet(server, dataDir.resolve("clients"));
        String endpoint = Fleet.newEndpoint("meter");
        PortfolioClient client = fleet.start(fleet.client(endpoint, true), Fleet.HostSetup.certified("HDID-500"));
        await().atMost(30, TimeUnit.SECONDS).until(() -> server.inventory().device(endpoint)
                .map(d -> d.summary().lastVerification() != null).orElse(false));
        browser.get(server.consoleLoginLink());
        browser.await(By.cssSelector("#fleet-table tbody tr[data-endpoint]"));
        browser.get(server.restUri() + "/#/device/" + endpoint);
        browser.awaitText(By.id("presence"), "online");

        client.stop(true); // deregisters: the page hears it from the event stream

        browser.awaitText(By.id("presence"), "offline");
        assertThat(browser.await(By.id("offline-note")).getText()).contains("offline");
        browser.click(By.id("verify"));
        browser.awaitText(By.id("verify-progress"), "not registered");
        assertThat(browser.consoleErrors(503)).isEmpty();

        server.close();

        browser.awaitText(By.id("live"), "server unreachable");
        browser.awaitText(By.id("banner"), "Lost the connection to the server");
        browser.click(By.id("verify"));
        browser.awaitText(By.id("verify-progress"), "The server is unreachable");
        assertThat(browser.consoleErrorsBut(List.of("ERR_CONNECTION_REFUSED"))).isEmpty();
    }
}
