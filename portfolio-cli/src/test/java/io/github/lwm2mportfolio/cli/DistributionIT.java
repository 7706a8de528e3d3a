package io.github.lwm2mportfolio.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.core.model.PortfolioModels;

/**
 * The installable archive as an operator uses it: unpacked into an empty directory, {@code bin/portfolio}
 * runs from there with nothing of the build beside it (its example configuration too), and its systemd unit
 * passes {@code systemd-analyze verify} where systemd is installed.
 */
class DistributionIT {

    private static final Pattern REST_LINE = Pattern.compile("REST API: +(http://\\S+)/api/devices");
    private static final Pattern ADMIN_TOKEN = Pattern.compile("Admin token: (pft_\\S+)");

    @TempDir
    Path dir;

    private Path home;

    @BeforeEach
    void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("portfolio.distribution"));
        assertThat(archive).as("mvn package makes the archive").isRegularFile();
        Path installed = Files.createDirectory(dir.resolve("opt"));
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", installed.toString())
                .redirectErrorStream(true).start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
        try (var entries = Files.list(installed)) {
            List<Path> top = entries.toList();
            assertThat(top).as("one folder, portfolio-VERSION").hasSize(1);
            home = top.get(0);
        }
    }

    @Test
    void the_archive_holds_the_command_its_jar_the_unit_the_ddf_file_and_the_install_notes() throws Exception {
        assertThat(home.getFileName().toString()).startsWith("portfolio-");
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/portfolio")))
                .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
        assertThat(home.resolve("lib/portfolio.jar")).isRegularFile();
        assertThat(home.resolve("INSTALL.md")).content().contains("systemctl enable --now portfolio");
        try (InputStream shipped = PortfolioModels.class.getResourceAsStream(PortfolioModels.PORTFOLIO_DDF)) {
            assertThat(home.resolve("share/lwm2m-portfolio/16.xml")).hasBinaryContent(shipped.readAllBytes());
        }
    }

    @Test
    @Timeout(60)
    void the_example_configuration_is_shipped_and_the_server_takes_it() throws Exception {
        Path example = home.resolve("etc/portfolio.example.yaml");
        assertThat(example).content().contains("http-port: 8080");

        Process process = start(List.of("server", "--config", example.toString(), "--print-config"));
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        assertThat(out).contains("http-port: 8080").contains("portfolio.example.yaml:");
        assertThat(dir.resolve("portfolio-data")).as("print-config starts nothing").doesNotExist();
    }

    @Test
    @Timeout(60)
    void bin_portfolio_prints_its_version_from_the_unpacked_directory() throws Exception {
        Process process = start(List.of("--version"));
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(out).startsWith("lwm2m-portfolio ");
    }

    @Test
    @Timeout(120)
    void bin_portfolio_server_serves_the_api_from_the_unpacked_directory() throws Exception {
        Process process = start(List.of("server", "--bind", "127.0.0.1", "--coap-port", "0", "--coaps-port", "0",
                "--http-port", "0", "--data", dir.resolve("data").toString()));
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String token = null;
            String api = null;
            for (String line = out.readLine(); line != null && !line.equals("serving until Ctrl-C");
                    line = out.readLine()) {
                token = match(ADMIN_TOKEN, line, token);
                api = match(REST_LINE, line, api);
            }
            assertThat(process.isAlive()).as("the server is serving").isTrue();
            assertThat(token).as("the first start prints the admin token").isNotNull();
            assertThat(api).as("the server prints the API's address").isNotNull();

            HttpResponse<String> devices = HttpClient.newHttpClient().send(HttpRequest
                    .newBuilder(URI.create(api + "/api/devices")).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(devices.statusCode()).as(devices.body()).isEqualTo(200);
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    @Timeout(60)
    void the_systemd_unit_passes_systemd_analyze_verify() throws Exception {
        Path systemdAnalyze = Path.of("/usr/bin/systemd-analyze");
        assumeThat(systemdAnalyze).as("systemd-analyze is installed").isExecutable();
        // The unit names /opt/portfolio; point it at this unpacked copy so that verify can find the command.
        String unit = Files.readString(home.resolve("systemd/portfolio.service"))
                .replace("/opt/portfolio", home.toString());
        Path copy = Files.writeString(dir.resolve("portfolio.service"), unit);

        Process verify = new ProcessBuilder(systemdAnalyze.toString(), "verify", copy.toString())
                .redirectErrorStream(true).start();
        String report = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(verify.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(verify.exitValue()).as(report).isZero();
        assertThat(report).as("no warning about the unit").doesNotContain("portfolio.service");
    }

    private Process start(List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/portfolio").toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(dir.resolve("stderr.txt").toFile());
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.remove("PORTFOLIO_TOKEN");
        return builder.start();
    }

    private static String match(Pattern pattern, String line, String previous) {
        Matcher matcher = pattern.matcher(line);
        return matcher.find() ? matcher.group(1) : previous;
    }
}
