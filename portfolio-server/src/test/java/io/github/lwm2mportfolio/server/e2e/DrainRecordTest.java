package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.collector.Collector;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.inventory.DeviceDetail;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.github.lwm2mportfolio.server.registration.RawRegistrations;

/**
 * A device whose first collection a stopping server cuts short is recorded as any failed collection is: with its
 * registration (LwM2M version, registration time), not as a row holding only the error.
 */
class DrainRecordTest {

    @TempDir
    Path dir;

    private PortfolioServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void a_first_collection_cut_short_by_the_stop_keeps_the_registration() throws Exception {
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(-1)
                .dataDirectory(dir).fleetMasterKey(Fleet.MASTER_KEY)
                .collector(CollectorConfig.defaults().withTimeouts(Duration.ofMinutes(2), Duration.ofMinutes(2),
                        Duration.ofSeconds(1)))
                .build();
        server.start();
        try (RawRegistrations raw = new RawRegistrations(server.coapUri(), InetAddress.getLoopbackAddress())) {
            assertThat(raw.register("silent-1", "300", "</1/0>,</3/0>,</16/0>").getCode())
                    .isEqualTo(ResponseCode.CREATED);
        } // its socket closed: the collection waits on its Read of /3/0/22 for an answer that never comes
        await().atMost(Duration.ofSeconds(60)).until(() -> server.collector().stats().running() == 1);

        Collector.Drain drain = server.shutdown(Duration.ofMillis(100), (inFlight, waiting) -> {
        });
        assertThat(drain.interrupted()).isEqualTo(1);
        server = null;

        try (JdbcInventory inventory = JdbcInventory.open(JdbcInventory.h2Url(dir))) {
            DeviceDetail silent = inventory.device("silent-1").orElseThrow();
            assertThat(silent.collectionError()).isEqualTo(Collector.STOPPING);
            assertThat(silent.summary().lwm2mVersion()).isEqualTo("1.1");
            assertThat(silent.summary().registeredAt()).isNotNull();
        }
    }
}
