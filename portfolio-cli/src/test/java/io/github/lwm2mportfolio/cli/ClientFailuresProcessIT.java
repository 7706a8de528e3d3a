package io.github.lwm2mportfolio.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.client.testing.TestLwm2mServer;

/**
 * {@code portfolio client} processes that cannot register: each says once, in words, what happened and what to
 * check, and when it tries next; stopped, none claims to deregister. The four run at once: the DTLS and no-server
 * cases each take a minute of retransmissions before anyone can know.
 */
class ClientFailuresProcessIT {

    private static final Duration TOLD_WITHIN = Duration.ofSeconds(300);

    @TempDir
    Path dataDir;

    @Test
    void each_failure_is_told_once_in_words_with_what_to_check() throws Exception {
        try (TestLwm2mServer server = new TestLwm2mServer()) {
            byte[] key = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
            server.addPsk("fail-forbidden", "fail-forbidden", key); // an unsecured Register is refused: 4.03
            server.addPsk("fail-psk", "fail-psk", key);
            Path wrongKey = secretFile("wrong.psk", "ffeeddccbbaa99887766554433221100");
            String coaps = server.coapsUri().replace("0.0.0.0", "127.0.0.1");
            String nobody = "coap://127.0.0.1:" + freeUdpPort();

            List<Client> clients = new ArrayList<>();
            try {
                clients.add(start("fail-forbidden", server.coapUri()));
                clients.add(start("fail-unresolvable", "coap://portfolio-nohost.invalid:5683"));
                clients.add(start("fail-psk", coaps, "--psk-identity", "fail-psk", "--psk-key-file",
                        wrongKey.toString()));
                clients.add(start("fail-noserver", nobody));

                await().atMost(TOLD_WITHIN).pollInterval(Duration.ofSeconds(1)).until(() -> clients.stream()
                        .allMatch(client -> client.output().contains("next attempt in")
                                || client.output().contains("trying again now")));
            } finally {
                for (Client client : clients) {
                    client.process().toHandle().destroy(); // SIGTERM: the shutdown hook runs, as with Ctrl-C
                }
            }
            for (Client client : clients) {
                assertThat(client.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
            }

            assertThat(clients.get(0).output()).containsOnlyOnce("fail-forbidden: registration refused by "
                    + server.coapUri() + " (4.03 Forbidden): check the endpoint name and the credentials the server "
                    + "holds for it; next attempt in 10 s");
            assertThat(clients.get(1).output()).containsOnlyOnce("fail-unresolvable: cannot resolve host "
                    + "portfolio-nohost.invalid: check the server address coap://portfolio-nohost.invalid:5683; next "
                    + "attempt in 10 s");
            assertThat(clients.get(2).output()).containsOnlyOnce("fail-psk: DTLS handshake with " + coaps
                    .substring("coaps://".length()) + " failed (").contains("): check the PSK identity and key, and "
                            + "that the server holds this device's PSK credential");
            assertThat(clients.get(3).output()).containsOnlyOnce("fail-noserver: no answer from " + nobody
                    + ": check that the server runs at this address and port and that UDP reaches it");
            for (Client client : clients) {
                assertThat(client.output()).contains("stopping: " + client.endpoint() + " was not registered")
                        .doesNotContain("deregistering", "Exception", "null");
            }
        }
    }

    private record Client(String endpoint, Process process, Path log) {
        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Client start(String endpoint, String server, String... more) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), PortfolioCommand.class.getName(), "client",
                "--endpoint", endpoint, "--server", server, "--data", dataDir.resolve(endpoint).toString()));
        command.addAll(List.of(more));
        Path log = dataDir.resolve(endpoint + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Client(endpoint, process, log);
    }

    private Path secretFile(String name, String content) throws IOException {
        Path file = dataDir.resolve(name);
        Files.writeString(file, content + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** A UDP port nobody listens on (taken and given back at once). */
    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
