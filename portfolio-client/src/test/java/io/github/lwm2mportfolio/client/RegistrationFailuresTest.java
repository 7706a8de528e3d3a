package io.github.lwm2mportfolio.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.ClientFixture.Transport;
import io.github.lwm2mportfolio.client.registration.RegistrationBackOff;
import io.github.lwm2mportfolio.client.testing.TestLwm2mServer;

/**
 * A registration that fails is told once, in words, with what to check and when the next attempt is; the attempts
 * back off. (The DTLS cases, which take a minute of retransmissions each, run as processes in the CLI's tests.)
 */
class RegistrationFailuresTest {

    private static TestLwm2mServer server;

    @TempDir
    Path dataDir;

    private final BlockingQueue<String> notices = new LinkedBlockingQueue<>();

    @BeforeAll
    static void startServer() {
        server = new TestLwm2mServer();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void a_refused_registration_says_why_once_and_backs_off() throws Exception {
        String endpoint = ClientFixture.newEndpoint();
        // The server holds a PSK for this endpoint: an unsecured Register is refused with 4.03.
        server.addPsk(endpoint, endpoint, new byte[16]);
        try (PortfolioClient client = client(endpoint, server.coapUri(), Duration.ofSeconds(1), Duration.ofSeconds(2))) {
            client.start();

            assertThat(notice()).isEqualTo(endpoint + ": registration refused by " + server.coapUri()
                    + " (4.03 Forbidden): check the endpoint name and the credentials the server holds for it; next "
                    + "attempt in 1 s");
            assertThat(notice()).isEqualTo(endpoint + ": not registered at " + server.coapUri()
                    + " (same reason); next attempt in 2 s");
            assertThat(notice()).isEqualTo(endpoint + ": not registered at " + server.coapUri()
                    + " (same reason); next attempt in 2 s");
        }
        assertThat(notices.poll(3, TimeUnit.SECONDS)).as("closed: no more attempts").isNull();
    }

    @Test
    void an_unresolvable_host_is_named_not_a_null_pointer() throws Exception {
        String endpoint = ClientFixture.newEndpoint();
        String uri = "coap://portfolio-test.invalid:5683";
        try (PortfolioClient client = client(endpoint, uri, Duration.ofSeconds(1), Duration.ofSeconds(1))) {
            client.start();

            assertThat(notice()).isEqualTo(endpoint + ": cannot resolve host portfolio-test.invalid: check the "
                    + "server address " + uri + "; next attempt in 1 s");
            assertThat(notice()).doesNotContain("null", "Exception").endsWith("(same reason); next attempt in 1 s");
        }
    }

    @Test
    void a_refused_device_registers_at_its_next_attempt_once_the_server_allows_it() throws Exception {
        String endpoint = ClientFixture.newEndpoint();
        server.addPsk(endpoint, endpoint, new byte[16]);
        try (PortfolioClient client = client(endpoint, server.coapUri(), Duration.ofSeconds(1), Duration.ofSeconds(1))) {
            client.start();
            assertThat(notice()).contains("(4.03 Forbidden)");

            server.removeSecurity(endpoint); // the next attempt registers

            assertThat(server.awaitRegistration(endpoint, Duration.ofSeconds(10))).isNotNull();
        }
    }

    @Test
    void the_back_off_doubles_up_to_its_longest_and_reads_as_words() {
        RegistrationBackOff backOff = RegistrationBackOff.DEFAULT;

        assertThat(backOff.waitAfter(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backOff.waitAfter(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(backOff.waitAfter(6)).isEqualTo(Duration.ofSeconds(320));
        assertThat(backOff.waitAfter(7)).isEqualTo(Duration.ofMinutes(10));
        assertThat(backOff.waitAfter(1000)).isEqualTo(Duration.ofMinutes(10));
        assertThat(RegistrationBackOff.inWords(Duration.ofSeconds(320))).isEqualTo("5 min 20 s");
        assertThat(RegistrationBackOff.inWords(Duration.ofHours(1))).isEqualTo("1 h");
    }

    private PortfolioClient client(String endpoint, String uri, Duration first, Duration longest) throws Exception {
        return ClientFixture.builder(server, Transport.COAP, endpoint, dataDir.resolve(endpoint)).serverUri(uri)
                .registrationBackOff(new RegistrationBackOff(first, longest)).registrationNotices(notices::add)
                .build();
    }

    private String notice() throws InterruptedException {
        String notice = notices.poll(15, TimeUnit.SECONDS);
        assertThat(notice).as("a registration notice").isNotNull();
        return notice;
    }
}
