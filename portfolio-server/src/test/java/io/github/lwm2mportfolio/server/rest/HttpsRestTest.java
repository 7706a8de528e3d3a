package io.github.lwm2mportfolio.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.access.Role;

/** The REST API over HTTPS with an operator's PKCS#12 key store, made here with the JDK's keytool. */
class HttpsRestTest {

    private static final char[] PASSWORD = "keystore-test-password".toCharArray();

    @TempDir
    Path dir;

    @Test
    void with_a_key_store_the_api_answers_over_https_only() throws Exception {
        Path keyStore = keyStore(dir.resolve("api.p12"));
        try (PortfolioServer server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0)
                .httpPort(0).dataDirectory(dir.resolve("server")).https(keyStore, PASSWORD).build()) {
            server.start();
            String token = server.tokens().create("reader", Role.VIEWER).secret();

            assertThat(server.restUri()).startsWith("https://127.0.0.1:");
            HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(keyStore))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> reply = trusting.send(HttpRequest.newBuilder(URI.create(server.restUri()
                    + "/api/compliance")).header("Authorization", "Bearer " + token).build(), BodyHandlers.ofString());
            assertThat(reply.statusCode()).isEqualTo(200);
            assertThat(reply.body()).contains("\"total\"");

            String plain = server.restUri().replace("https://", "http://");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(plain + "/api/compliance"))
                        .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + token).build(),
                        BodyHandlers.ofString());
                assertThat(answer.statusCode()).isNotEqualTo(200);
                throw new IOException("answered " + answer.statusCode() + " without TLS");
            }).isInstanceOf(IOException.class);
        }
    }

    @Test
    void a_wrong_key_store_password_stops_the_start() throws Exception {
        Path keyStore = keyStore(dir.resolve("api.p12"));
        PortfolioServer server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(0)
                .dataDirectory(dir.resolve("server")).https(keyStore, "wrong".toCharArray()).build();
        try {
            assertThatThrownBy(server::start).isInstanceOf(RuntimeException.class);
        } finally {
            server.close();
        }
    }

    private static Path keyStore(Path file) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-keyalg", "EC", "-groupname",
                "secp256r1", "-alias", "api", "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost",
                "-validity", "30", "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass",
                new String(PASSWORD))).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return file;
    }

    private static SSLContext trusting(Path keyStore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
