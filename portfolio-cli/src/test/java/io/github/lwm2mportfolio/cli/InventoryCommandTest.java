package io.github.lwm2mportfolio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.access.TokenSecrets;
import io.github.lwm2mportfolio.server.collector.DeviceOperations;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.github.lwm2mportfolio.server.inventory.PortfolioSnapshot;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;
import io.github.lwm2mportfolio.server.rest.RestApi;
import picocli.CommandLine;

class InventoryCommandTest {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private static final Instant COLLECTED = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);

    @TempDir
    Path databaseDir;

    private JdbcInventory inventory;
    private RestApi api;
    private String url;
    private Path tokenFile;

    private record Run(int exitCode, String out, String err) {
    }

    /** Three devices: gw-1 COMPLIANT, gw-2 UNCERTIFIED (software 9.9), sensor-3 NO_PORTFOLIO. */
    @BeforeEach
    void startServerWithThreeDevices() throws Exception {
        inventory = JdbcInventory.open(JdbcInventory.h2Url(databaseDir));
        inventory.replaceCertifications(
                new CertificationList(List.of(new Certification("Acme", "Gateway", "1.0")), Set.of()));
        host("gw-1", "SN-1", "1.0");
        inventory.verificationRecorded("gw-1", new Verification(COLLECTED.plusSeconds(1),
                VerificationOutcome.VERIFIED, "all AuthData verified", "sign", 0, 1L, "{}"));
        host("gw-2", "SN-2", "9.9");
        inventory.registered("sensor-3", "1.0", false, COLLECTED);
        inventory.portfoliosCollected("sensor-3", List.of(), false, COLLECTED); // as the collector does
        inventory.deregistered("sensor-3", COLLECTED.plusSeconds(5));
        api = RestApi.start("127.0.0.1", 0, inventory, new NoDevices(), new ServerEvents());
        url = "http://127.0.0.1:" + api.port();
        tokenFile = Files.setPosixFilePermissions(Files.writeString(databaseDir.resolve("token"),
                inventory.tokens().create("reader", Role.VIEWER).secret() + "\n"), OWNER_ONLY);
    }

    private void host(String endpoint, String uniqueId, String softwareVersion) {
        inventory.registered(endpoint, "1.1", true, COLLECTED);
        inventory.portfoliosCollected(endpoint, List.of(new PortfolioSnapshot(0,
                new TreeMap<>(Map.of(0, uniqueId, 1, "Acme", 2, "Gateway", 3, softwareVersion)), true)), true,
                COLLECTED);
    }

    @AfterEach
    void stop() {
        api.stop();
        inventory.close();
    }

    /** Runs the command with the viewer token's file, when a --url is given. */
    private Run run(String... args) {
        List<String> arguments = new ArrayList<>(List.of(args));
        if (arguments.contains("--url")) {
            arguments.addAll(List.of("--token-file", tokenFile.toString()));
        }
        return runAsIs(arguments.toArray(String[]::new));
    }

    private static Run runAsIs(String... args) {
        CommandLine commandLine = new CommandLine(new InventoryCommand());
        commandLine.setCaseInsensitiveEnumValuesAllowed(
                PortfolioCommand.newCommandLine().isCaseInsensitiveEnumValuesAllowed());
        commandLine.setExecutionExceptionHandler(PortfolioCommand.newCommandLine().getExecutionExceptionHandler());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int code = commandLine.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void the_table_shows_one_aligned_line_per_device_and_the_counts_per_state() {
        Run run = run("--url", url);

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0).split(" {2,}")).containsExactly("ENDPOINT", "STATE", "MANUFACTURER", "MODEL",
                "SW VERSION", "UNIQUE ID", "VERIFIED", "ONLINE", "REASON");
        assertThat(line(lines, "gw-1").split(" {2,}")).startsWith("gw-1", "COMPLIANT", "Acme", "Gateway", "1.0",
                "SN-1", "VERIFIED", "yes").hasSize(9);
        assertThat(line(lines, "gw-1")).contains("  certified host; AuthData verified at ");
        assertThat(line(lines, "gw-2").split(" {2,}")).containsExactly("gw-2", "UNCERTIFIED", "Acme", "Gateway", "9.9",
                "SN-2", "-", "yes", "no certification record for Acme / Gateway / 9.9 (or its unique ID SN-2 is not "
                        + "an allocated one); no AuthData verdict yet");
        assertThat(line(lines, "sensor-3").split(" {2,}")).containsExactly("sensor-3", "NO_PORTFOLIO", "-", "-", "-",
                "-", "-", "no", "the client has no object 16 (Portfolio)");
        int stateColumn = lines.get(0).indexOf("STATE");
        int onlineColumn = lines.get(0).indexOf("ONLINE");
        int reasonColumn = lines.get(0).indexOf("REASON");
        for (String line : lines.subList(1, 4)) {
            assertThat(line.substring(stateColumn)).matches("(COMPLIANT|UNCERTIFIED|NO_PORTFOLIO) .*");
            assertThat(line.substring(onlineColumn, reasonColumn).strip()).isIn("yes", "no");
        }
        assertThat(lines.get(4)).isEqualTo("3 devices: NO_PORTFOLIO 1, UNCERTIFIED 1, UNVERIFIED 0, COMPLIANT 1");
    }

    @Test
    void the_table_can_show_only_one_state_and_counts_what_it_shows() {
        Run run = run("--url", url + "/api", "--state", "uncertified");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).startsWith("gw-2 ");
        assertThat(lines.get(2)).isEqualTo("1 device shown: UNCERTIFIED 1 (of 3 devices in the fleet)");
    }

    @Test
    void an_unresolvable_host_is_reported_as_not_found() {
        Run run = run("--url", "http://no-such-host.invalid:8080");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("portfolio: cannot reach http://no-such-host.invalid:8080: host "
                + "no-such-host.invalid not found (check the name in --url)");
    }

    @Test
    void json_is_the_device_list_as_an_array() throws Exception {
        Run run = run("--url", url + "/", "--format", "json", "--q", "gw");

        assertThat(run.exitCode()).isZero();
        List<Map<String, Object>> devices = new ObjectMapper().readValue(run.out(), new TypeReference<>() {
        });
        List<String> endpoints = new ArrayList<>();
        devices.forEach(device -> endpoints.add((String) device.get("endpoint")));
        assertThat(endpoints).containsExactlyInAnyOrder("gw-1", "gw-2");
        Map<String, Object> gw1 = devices.get(endpoints.indexOf("gw-1"));
        assertThat(gw1.get("state")).isEqualTo("COMPLIANT");
        assertThat(gw1.get("host")).isEqualTo(new LinkedHashMap<>(Map.of("uniqueId", "SN-1", "manufacturer", "Acme",
                "model", "Gateway", "softwareVersion", "1.0")));
    }

    @Test
    void csv_is_the_server_compliance_report_as_is() throws Exception {
        String report = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url + "/api/compliance/report.csv"))
                        .header("Authorization", "Bearer " + Files.readString(tokenFile).strip()).build(),
                BodyHandlers.ofString()).body();

        Run run = run("--url", url, "--format", "csv");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo(report).contains("gw-1", "gw-2", "sensor-3");
    }

    @Test
    void an_unreachable_server_is_exit_1_with_one_line() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        Run run = run("--url", "http://127.0.0.1:" + closedPort);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo(
                "portfolio: cannot reach http://127.0.0.1:" + closedPort + ": connection refused"
                        + System.lineSeparator());
    }

    @Test
    void an_http_error_is_exit_1_with_the_server_reason() {
        Run run = run("--url", url + "/elsewhere");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo(
                "portfolio: no route GET /elsewhere/api/devices (HTTP 404)");
    }

    @Test
    void an_unknown_format_is_bad_usage() {
        Run run = run("--url", url, "--format", "xml");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Invalid value for option '--format'");
    }

    @Test
    void an_unknown_state_is_bad_usage() {
        Run run = run("--url", url, "--state", "GREEN");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Invalid value for option '--state'");
    }

    @Test
    void a_url_that_is_not_http_is_bad_usage() {
        Run run = run("--url", "coap://127.0.0.1:5683");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--url must be http://HOST:PORT");
    }

    @Test
    void without_a_token_it_is_bad_usage_that_says_where_a_token_comes_from() {
        Run run = runAsIs("--url", url);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("the REST API needs a token: set PORTFOLIO_TOKEN or give --token-file FILE");
    }

    @Test
    void a_wrong_token_is_exit_1_with_the_server_reason() {
        Run run = runAsIs("--url", url, "--token", TokenSecrets.newToken());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("portfolio: warning: --token shows in the process list "
                + "of this machine; use PORTFOLIO_TOKEN or --token-file FILE",
                "portfolio: the API token is not valid (revoked, or never issued) (HTTP 401)");
    }

    @Test
    void a_missing_token_file_is_bad_usage_naming_it() {
        Run run = runAsIs("--url", url, "--token-file", "no-such-token");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--token-file no-such-token: no such file");
    }

    @Test
    void the_url_is_required() {
        Run run = run();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required option: '--url");
    }

    @Test
    void the_table_turns_control_characters_from_devices_into_question_marks() {
        Map<String, Object> device = Map.of("endpoint", "ev\u001b[31mil", "state", "UNVERIFIED", "online", true,
                "host", Map.of("manufacturer", "two\nlines"));

        String table = FleetTable.render(List.of(device), null, false);

        assertThat(table).doesNotContain("\u001b");
        assertThat(table.lines()).hasSize(2);
        assertThat(table.lines().toList().get(1).split(" {2,}")).containsExactly("ev?[31mil", "UNVERIFIED", "two?lines",
                "-", "-", "-", "-", "yes", "-");
    }

    private static String line(List<String> lines, String endpoint) {
        return lines.stream().filter(line -> line.startsWith(endpoint + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + endpoint + " in " + lines));
    }

    /** The inventory command never asks devices anything. */
    private static final class NoDevices implements DeviceOperations {
        @Override
        public CompletableFuture<Verification> verifyNow(String endpoint) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<WriteOutcome> writeIdentity(String endpoint, int instanceId, int identityId,
                String value) {
            throw new UnsupportedOperationException();
        }
    }
}
