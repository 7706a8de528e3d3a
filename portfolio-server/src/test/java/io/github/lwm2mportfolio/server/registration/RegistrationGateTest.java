package io.github.lwm2mportfolio.server.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.server.PortfolioServer;

/** Absurd lifetimes and floods from one address are refused before Leshan registers anything (issue 11). */
class RegistrationGateTest {

    private static final String LINKS = "</1/0>,</3/0>";

    @TempDir
    Path dataDir;

    private PortfolioServer server;

    @BeforeEach
    void start() throws Exception {
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(-1)
                .dataDirectory(dataDir)
                .registrationLimits(RegistrationLimits.defaults().withPerSource(5, 0.001)).build();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void lifetimes_of_2_to_the_40_and_minus_1_are_refused_with_a_reason_and_nothing_is_registered() {
        try (RawRegistrations raw = new RawRegistrations(server.coapUri(), InetAddress.getLoopbackAddress())) {
            for (String lifetime : new String[] { "1099511627776", "-1", "0", "9", "2592001", "abc",
                    "99999999999999999999999" }) {
                String endpoint = "lt-" + lifetime.length() + "-" + lifetime.hashCode();
                CoapResponse response = raw.register(endpoint, lifetime, LINKS);
                assertThat(response.getCode()).as(lifetime).isEqualTo(ResponseCode.BAD_REQUEST);
                assertThat(response.getResponseText()).as(lifetime)
                        .startsWith("lifetime must be 10 to 2592000 seconds, got '");
                assertThat(server.lwm2mServer().getRegistrationService().getByEndpoint(endpoint)).isNull();
                assertThat(server.inventory().device(endpoint)).isEmpty();
            }
            CoapResponse fine = raw.register("lt-fine", "300", LINKS);
            assertThat(fine.getCode()).isEqualTo(ResponseCode.CREATED);
            assertThat(raw.register("lt-default", null, LINKS).getCode()).isEqualTo(ResponseCode.CREATED);

            // An Update may not make the lifetime absurd either; the registration keeps its lifetime.
            String location = "/" + fine.getOptions().getLocationPathString();
            CoapResponse update = raw.update(location, "1099511627776");
            assertThat(update.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
            assertThat(server.lwm2mServer().getRegistrationService().getByEndpoint("lt-fine").getLifeTimeInSec())
                    .isEqualTo(300L);
            assertThat(raw.update(location, "600").getCode()).isEqualTo(ResponseCode.CHANGED);
        }
    }

    @Test
    void one_address_gets_its_burst_then_5_03_with_max_age_while_other_addresses_and_updates_still_pass()
            throws Exception {
        try (RawRegistrations flood = new RawRegistrations(server.coapUri(), InetAddress.getLoopbackAddress());
                RawRegistrations other = new RawRegistrations(server.coapUri(),
                        InetAddress.getByName("127.0.0.2"))) {
            String firstLocation = null;
            for (int i = 0; i < 5; i++) {
                CoapResponse accepted = flood.register("flood-" + i, "300", LINKS);
                assertThat(accepted.getCode()).isEqualTo(ResponseCode.CREATED);
                if (firstLocation == null) {
                    firstLocation = "/" + accepted.getOptions().getLocationPathString();
                }
            }
            CoapResponse refused = flood.register("flood-5", "300", LINKS);
            assertThat(refused.getCode()).isEqualTo(ResponseCode.SERVICE_UNAVAILABLE);
            assertThat(refused.getResponseText()).startsWith("too many registrations from 127.0.0.1 (at most 5 at "
                    + "once");
            assertThat(refused.getOptions().getMaxAge()).isPositive();
            assertThat(server.lwm2mServer().getRegistrationService().getByEndpoint("flood-5")).isNull();

            // Registered devices keep working: an Update, and a Register of an endpoint registered now.
            assertThat(flood.update(firstLocation, "300").getCode()).isEqualTo(ResponseCode.CHANGED);
            assertThat(flood.register("flood-1", "300", LINKS).getCode()).isEqualTo(ResponseCode.CREATED);
            // Another address has its own allowance.
            assertThat(other.register("elsewhere", "300", LINKS).getCode()).isEqualTo(ResponseCode.CREATED);
        }
    }

    @Test
    void the_limits_refuse_nonsense() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RegistrationLimits(0, 1, Duration.ofSeconds(1),
                Duration.ofSeconds(2))).hasMessageContaining("burst");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RegistrationLimits(1, 0, Duration.ofSeconds(1),
                Duration.ofSeconds(2))).hasMessageContaining("rate");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RegistrationLimits(1, 1, Duration.ofSeconds(3),
                Duration.ofSeconds(2))).hasMessageContaining("empty");
    }
}
