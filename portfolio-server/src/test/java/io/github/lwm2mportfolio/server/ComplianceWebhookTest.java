package io.github.lwm2mportfolio.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.github.lwm2mportfolio.server.rest.RestApi;

/** The webhook's URL: user info becomes HTTP Basic authorization and never reaches the request line or a log. */
class ComplianceWebhookTest {

    private final ServerEvents events = new ServerEvents();
    private final BlockingQueue<String> authorizations = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> requestUris = new LinkedBlockingQueue<>();
    private HttpServer receiver;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            requestUris.add(exchange.getRequestURI().toString());
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void user_info_in_the_url_is_sent_as_basic_authorization_percent_decoded() throws Exception {
        URI uri = URI.create("http://hook-user:s%40cret@127.0.0.1:" + receiver.getAddress().getPort() + "/hook?x=1");

        try (ComplianceWebhook webhook = ComplianceWebhook.start(uri, ComplianceWebhook.Settings.defaults(),
                RestApi.objectMapper(), events)) {
            events.publish(ServerEvents.COMPLIANCE, "meter-1", "UNKNOWN -> COMPLIANT");

            // "hook-user:s@cret" in base64
            assertThat(authorizations.poll(10, TimeUnit.SECONDS)).isEqualTo("Basic aG9vay11c2VyOnNAY3JldA==");
            assertThat(requestUris.poll()).isEqualTo("/hook?x=1");
        }
        assertThat(ComplianceWebhook.shown(uri)).doesNotContain("hook-user", "cret");
    }

    @Test
    void a_url_without_user_info_sends_no_authorization() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");

        try (ComplianceWebhook webhook = ComplianceWebhook.start(uri,
                new ComplianceWebhook.Settings(10, 1, Duration.ofMillis(10)), RestApi.objectMapper(), events)) {
            events.publish(ServerEvents.COMPLIANCE, "meter-1", "UNKNOWN -> COMPLIANT");

            assertThat(authorizations.poll(10, TimeUnit.SECONDS)).isEqualTo("null");
        }
    }
}
