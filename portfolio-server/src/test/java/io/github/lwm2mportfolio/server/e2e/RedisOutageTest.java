package io.github.lwm2mportfolio.server.e2e;

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

import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.redis.TestPostgres;
import io.github.lwm2mportfolio.server.redis.TestRedis;
import io.github.lwm2mportfolio.server.registration.RawRegistrations;

/**
 * A node whose link to Redis is cut while it runs: /health/ready says so (a load balancer then sends it no
 * devices), and a REST request that needs Redis is answered 503 with Retry-After, not 500.
 */
class RedisOutageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private TestRedis redis;
    private TestPostgres postgres;
    private TcpLink link;
    private PortfolioServer node;
    private Fleet fleet;

    @BeforeEach
    void start() throws Exception {
        redis = TestRedis.open();
        postgres = TestPostgres.open();
        URI redisUri = URI.create(TestRedis.URI);
        link = new TcpLink(new InetSocketAddress(redisUri.getHost(), redisUri.getPort()));
        node = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(0)
                .dataDirectory(dir.resolve("a")).jdbcUrl(postgres.jdbcUrl()).fleetMasterKey(Fleet.MASTER_KEY)
                .collector(CollectorConfig.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(15),
                        Duration.ofMillis(100)))
                .redis("redis://127.0.0.1:" + link.port()).redisPrefix(redis.prefix()).nodeName("a").build();
        node.start();
        fleet = new Fleet(node, dir.resolve("clients"));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] { fleet, node, link, redis, postgres }) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void readinessAndRestRequestsSayThatRedisIsUnavailable() throws Exception {
        String token = node.tokens().create("ops", Role.OPERATOR).secret();
        String endpoint = Fleet.newEndpoint("meter");
        fleet.start(fleet.client(endpoint, true), Fleet.HostSetup.certified("HDID-RO"));
        await().atMost(Duration.ofSeconds(30)).until(() -> node.inventory().device(endpoint)
                .map(device -> device.summary().lastVerification() != null).orElse(false));
        assertThat(send("GET", "/health/ready", null).statusCode()).isEqualTo(200);

        link.close();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HttpResponse<String> ready = send("GET", "/health/ready", null);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(ready.body()).at("/checks/redis/status").asText()).isEqualTo("DOWN");
        });
        HttpResponse<String> verify = send("POST", "/api/devices/" + endpoint + "/verify", token);
        assertThat(verify.statusCode()).as(verify.body()).isEqualTo(503);
        assertThat(verify.body()).contains("the shared Redis is unavailable");
        assertThat(verify.headers().firstValue("Retry-After")).isPresent();
        // What needs only the database still works.
        assertThat(send("GET", "/api/devices/" + endpoint, token).statusCode()).isEqualTo(200);
    }

    @Test
    void registrationRequestsAreAnswered503AtOnceWhileRedisIsUnreachable() throws Exception {
        try (RawRegistrations device = new RawRegistrations(node.coapUri(), InetAddress.getLoopbackAddress())) {
            CoapResponse registered = device.register(Fleet.newEndpoint("meter"), "300", "</1/0>,</3/0>");
            assertThat(registered.getCode()).isEqualTo(CoAP.ResponseCode.CREATED);

            link.close();
            await().atMost(Duration.ofSeconds(20)).until(() -> send("GET", "/health/ready", null).statusCode() == 503);

            for (CoapResponse refused : new CoapResponse[] { device.register(Fleet.newEndpoint("meter"), "300",
                    "</1/0>,</3/0>"), device.update("/" + registered.getOptions().getLocationPathString(), "300") }) {
                assertThat(refused.getCode()).isEqualTo(CoAP.ResponseCode.SERVICE_UNAVAILABLE);
                assertThat(refused.getResponseText()).isEqualTo("the registration store is unavailable; try again later");
                assertThat(refused.getOptions().getMaxAge()).isEqualTo(30);
            }
        }
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.restUri() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), BodyHandlers.ofString());
    }
}
