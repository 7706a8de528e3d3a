package io.github.lwm2mportfolio.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.server.inventory.DeviceCredential;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.github.lwm2mportfolio.server.inventory.SecretSealer;

/** What the server keeps on disk: owner-only files in an owner-only directory, PSKs sealed with its key. */
class SecretsAtRestTest {

    private static final byte[] PSK = HexFormat.of().parseHex("5ec2e75ec2e75ec2e75ec2e75ec2e7aa");

    @TempDir
    Path dir;

    @Test
    void the_data_directory_and_every_file_in_it_are_the_owners_alone() throws Exception {
        Path data = dir.resolve("portfolio-data").resolve("server");
        try (PortfolioServer server = builder(data).build()) {
            server.inventory().putCredential(new DeviceCredential("meter-1", DeviceCredential.Kind.PSK, "id-1", PSK));
        }

        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(data.getParent())).isEqualTo("rwx------");
        List<String> names = List.of("inventory.mv.db", "server-identity.p12", "server-identity.p12.password",
                "inventory.key");
        for (String name : names) {
            assertThat(data.resolve(name)).exists();
            assertThat(mode(data.resolve(name))).as(name).isEqualTo("rw-------");
        }
    }

    @Test
    void a_psk_is_sealed_in_the_database_file_and_opens_again_after_a_restart() throws Exception {
        Path data = dir.resolve("data");
        try (PortfolioServer server = builder(data).build()) {
            server.inventory().putCredential(new DeviceCredential("meter-1", DeviceCredential.Kind.PSK, "id-1", PSK));
        }

        assertThat(indexOf(Files.readAllBytes(data.resolve("inventory.mv.db")), PSK)).isNegative();
        try (Connection connection = DriverManager.getConnection(JdbcInventory.h2Url(data));
                ResultSet row = connection.createStatement()
                        .executeQuery("SELECT secret, secret_sealed FROM credentials")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getBoolean(2)).isTrue();
            assertThat(indexOf(row.getBytes(1), PSK)).isNegative();
        }
        try (PortfolioServer again = builder(data).build()) {
            assertThat(again.inventory().credential("meter-1").orElseThrow().secret()).isEqualTo(PSK);
        }
    }

    @Test
    void another_key_file_stops_the_start_with_the_reason() throws Exception {
        Path data = dir.resolve("data");
        try (PortfolioServer server = builder(data).build()) {
            server.inventory().putCredential(new DeviceCredential("meter-1", DeviceCredential.Kind.PSK, "id-1", PSK));
        }
        Files.write(data.resolve("inventory.key"), new byte[32]);

        assertThatThrownBy(() -> builder(data).build().close()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sealed with another key").hasMessageContaining("inventory.key");
    }

    @Test
    void a_psk_stored_unsealed_by_an_older_version_is_sealed_on_open() throws Exception {
        Path data = dir.resolve("data");
        SecretSealer sealer = SecretSealer.of(new byte[32]);
        String url = JdbcInventory.h2Url(data);
        JdbcInventory.open(url, java.time.Clock.systemUTC(), JdbcInventory.DEFAULT_FRESHNESS, sealer).close();
        try (Connection connection = DriverManager.getConnection(url);
                PreparedStatement insert = connection.prepareStatement("INSERT INTO credentials (endpoint, kind, "
                        + "psk_identity, secret) VALUES ('old-1', 'PSK', 'old-id', ?)")) {
            insert.setBytes(1, PSK);
            insert.executeUpdate();
        }

        try (JdbcInventory inventory = JdbcInventory.open(url, java.time.Clock.systemUTC(),
                JdbcInventory.DEFAULT_FRESHNESS, sealer)) {
            assertThat(inventory.credential("old-1").orElseThrow().secret()).isEqualTo(PSK);
            try (Connection connection = DriverManager.getConnection(url);
                    ResultSet row = connection.createStatement()
                            .executeQuery("SELECT secret, secret_sealed FROM credentials")) {
                assertThat(row.next()).isTrue();
                assertThat(row.getBoolean(2)).isTrue();
                assertThat(indexOf(row.getBytes(1), PSK)).isNegative();
            }
        }
    }

    private static PortfolioServer.Builder builder(Path data) {
        return PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(-1)
                .dataDirectory(data);
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
