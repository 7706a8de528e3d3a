package io.github.lwm2mportfolio.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portfolio server} and {@code portfolio demo} with a port another program holds: one line naming the
 * listener and the port, exit 1, the process gone, and nothing sent to whoever holds the port.
 */
class ListenerPortsProcessIT {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    private record Exit(int code, String out, String err) {
    }

    private Exit run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", System.getProperty("portfolio.jar")));
        command.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the process stopped by itself").isTrue();
            return new Exit(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    @Timeout(90)
    void a_demo_whose_coap_port_is_taken_stops_and_registers_nothing_with_the_holder() throws Exception {
        try (DatagramSocket holder = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            int port = holder.getLocalPort();

            Exit exit = run("demo", "--once", "--clients", "2", "--coap-port", String.valueOf(port), "--coaps-port",
                    "0", "--http-port", "0", "--settle-timeout", "PT20S", "--data", dir.resolve("demo").toString());

            assertThat(exit.code()).as(exit.err()).isEqualTo(1);
            assertThat(exit.err()).as(exit.err()).containsOnlyOnce("portfolio: ")
                    .contains("portfolio: CoAP port " + port + " on 127.0.0.1 cannot be bound")
                    .doesNotContain("Exception");
            assertThat(exit.out()).doesNotContain("simulated devices", "serving until Ctrl-C");
            holder.setSoTimeout(200);
            assertThatThrownBy(() -> holder.receive(new DatagramPacket(new byte[2048], 2048)))
                    .as("no registration reached the port's holder").isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    @Timeout(90)
    void a_server_whose_coaps_port_is_taken_stops_with_one_line() throws Exception {
        try (DatagramSocket holder = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            Exit exit = run("server", "--bind", "127.0.0.1", "--coap-port", "0", "--coaps-port",
                    String.valueOf(holder.getLocalPort()), "--http-port", "0", "--data", dir.resolve("s").toString());

            assertThat(exit.code()).as(exit.err()).isEqualTo(1);
            assertThat(exit.err()).contains("portfolio: CoAPs port " + holder.getLocalPort() + " on 127.0.0.1")
                    .doesNotContain("Exception");
            assertThat(exit.out()).doesNotContain("serving until Ctrl-C");
        }
    }

    @Test
    @Timeout(90)
    void a_server_whose_http_port_is_taken_stops_with_one_line() throws Exception {
        try (ServerSocket holder = new ServerSocket(0, 1, LOOPBACK)) {
            Exit exit = run("server", "--bind", "127.0.0.1", "--coap-port", "0", "--coaps-port", "0",
                    "--http-port", String.valueOf(holder.getLocalPort()), "--data", dir.resolve("s").toString());

            assertThat(exit.code()).as(exit.err()).isEqualTo(1);
            assertThat(exit.err()).contains("portfolio: REST API port " + holder.getLocalPort() + " on 127.0.0.1")
                    .doesNotContain("Exception");
            assertThat(exit.out()).doesNotContain("serving until Ctrl-C");
        }
    }
}
