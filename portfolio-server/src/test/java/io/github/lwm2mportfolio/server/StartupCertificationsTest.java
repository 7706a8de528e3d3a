package io.github.lwm2mportfolio.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;

/** {@code --certified FILE} replaces the stored list at every start, as the README says. */
class StartupCertificationsTest {

    @TempDir
    Path dir;

    @Test
    void the_startup_file_replaces_the_list_stored_since_the_last_start() throws Exception {
        Path csv = Files.writeString(dir.resolve("certified.csv"),
                "manufacturer,model,software_version\nNorthwind,NW-E350,3.4.1\n");
        PortfolioServer.Builder builder = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0)
                .httpPort(-1).dataDirectory(dir.resolve("data")).certifiedCsv(csv);
        try (PortfolioServer first = builder.build()) {
            first.inventory().replaceCertifications(new CertificationList(
                    List.of(new Certification("Added", "Through", "REST")), Set.of()));
        }

        try (PortfolioServer again = builder.build()) {
            assertThat(again.inventory().certifications().records())
                    .containsExactly(new Certification("Northwind", "NW-E350", "3.4.1"));
        }
    }
}
