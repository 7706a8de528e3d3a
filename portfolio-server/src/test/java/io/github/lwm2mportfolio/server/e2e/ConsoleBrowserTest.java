package io.github.lwm2mportfolio.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import io.github.lwm2mportfolio.client.PortfolioClient;
import io.github.lwm2mportfolio.server.PortfolioServer;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.collector.CollectorConfig;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.DeviceDetail;

/**
 * The web console in headless Chromium against a real server with real clients over CoAP: a compliant meter
 * (with an unlocked second instance), an uncertified one and a sensor without a host instance.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest {

    /** Where the screenshots go; copied to docs/console/ for the README. */
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final String BATTERY = "battery pack BP-2";

    @TempDir
    static Path dataDir;

    private PortfolioServer server;
    private Fleet fleet;
    private ConsoleBrowser browser;
    private String compliant;
    private String uncertified;
    private String sensor;
    private PortfolioClient compliantClient;
    private int batteryInstance;
    private String token;

    @BeforeAll
    void startServerFleetAndBrowser() throws Exception {
        browser = ConsoleBrowser.open(dataDir.resolve("chromium-profile"));
        server = PortfolioServer.builder().bindHost("127.0.0.1").coapPort(0).coapsPort(0).httpPort(0)
                .dataDirectory(dataDir.resolve("server"))
                .collector(CollectorConfig.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10),
                        Duration.ofMillis(100)))
                .build();
        server.inventory().replaceCertifications(new CertificationList(
                List.of(new Certification("Northwind Metering", "NW-E350", "3.4.1")), Set.of()));
        server.start();
        token = server.tokens().create("browser-test", Role.ADMIN).secret();
        fleet = new Fleet(server, dataDir.resolve("clients"));
        compliant = Fleet.newEndpoint("meter");
        uncertified = Fleet.newEndpoint("meter");
        sensor = Fleet.newEndpoint("sensor");
        compliantClient = fleet.start(fleet.client(compliant, true), Fleet.HostSetup.certified("HDID-100"));
        fleet.start(fleet.client(uncertified, true), client -> client.hostDevice().setUniqueId("HDID-200")
                .setManufacturer("Northwind Metering").setModel("NW-E350").setSoftwareVersion("9.9"));
        fleet.start(fleet.client(sensor, true), Fleet.HostSetup.none());
        awaitState(compliant, ComplianceState.COMPLIANT);
        awaitState(uncertified, ComplianceState.UNCERTIFIED);
        awaitState(sensor, ComplianceState.NO_PORTFOLIO);
        batteryInstance = compliantClient.portfolios().create("3/0", Map.of(0, BATTERY), false);
        await().atMost(20, TimeUnit.SECONDS).until(() -> server.inventory().device(compliant).orElseThrow()
                .portfolios().size() == 2);
    }

    @BeforeEach
    void logIn() {
        browser.resize(ConsoleBrowser.DESKTOP);
        browser.get("about:blank"); // a fresh page: no filter or page kept from the test before
        browser.get(server.consoleLoginLink());
        browser.await(By.cssSelector("#fleet-table tbody tr[data-endpoint]"));
    }

    @AfterEach
    void noErrorsInTheBrowserConsole() {
        assertThat(browser.consoleErrors()).as("errors in the browser console").isEmpty();
    }

    @AfterAll
    void stopEverything() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (fleet != null) {
                fleet.close();
            }
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void the_login_link_works_once_and_leaves_no_code_in_the_address_bar() {
        assertThat(browser.driver().getCurrentUrl()).endsWith("/#/fleet").doesNotContain("login=");
        String link = server.consoleLoginLink();
        browser.get(link);
        browser.await(By.cssSelector("#fleet-table tbody tr[data-endpoint]"));
        browser.await(By.id("logout")).click();
        browser.await(By.id("token"));

        browser.get(link); // used already

        browser.awaitText(By.id("login-error"), "used already");
        assertThat(browser.consoleErrors(401)).isEmpty();
    }

    @Test
    void a_pasted_token_logs_in_and_a_wrong_one_is_refused() {
        browser.await(By.id("logout")).click();
        WebElement input = browser.await(By.id("token"));
        input.sendKeys("not-a-token", Keys.ENTER);
        browser.awaitText(By.id("login-error"), "not valid");
        assertThat(browser.consoleErrors(401)).isEmpty();

        input.clear();
        input.sendKeys(token, Keys.ENTER);

        browser.await(By.cssSelector("#fleet-table tbody tr[data-endpoint]"));
    }

    @Test
    void the_fleet_page_shows_each_device_with_its_host_and_state() {
        browser.awaitText(By.cssSelector("#fleet-table tbody"), sensor);
        assertThat(rowEndpoints()).containsExactlyInAnyOrder(compliant, uncertified, sensor);

        String row = row(compliant).getText();
        assertThat(row).contains("Northwind Metering", "NW-E350", "3.4.1", "HDID-100", "online", "VERIFIED",
                "COMPLIANT");
        assertThat(row(uncertified).getText()).contains("9.9", "HDID-200", "UNCERTIFIED");
        assertThat(row(sensor).getText()).contains("NO PORTFOLIO");
    }

    @Test
    void the_state_filter_and_the_search_narrow_the_rows() {
        new Select(browser.await(By.id("fleet-state"))).selectByValue("UNCERTIFIED");
        await().atMost(10, TimeUnit.SECONDS).until(() -> rowEndpoints().equals(List.of(uncertified)));

        new Select(browser.await(By.id("fleet-state"))).selectByValue("");
        browser.await(By.id("fleet-search")).sendKeys("sensor");

        await().atMost(10, TimeUnit.SECONDS).until(() -> rowEndpoints().equals(List.of(sensor)));
        browser.await(By.id("fleet-search")).sendKeys("-no-such-device");
        browser.awaitText(By.cssSelector("#fleet-table tbody"), "No device matches");
    }

    @Test
    void sorting_by_a_column_orders_the_whole_list_on_the_server() {
        By software = By.cssSelector("button.sort[data-sort='software']");
        browser.await(software).click();
        // 3.4.1 < 9.9 < none: a device without a host comes last going up (other tests may add devices)
        await().atMost(10, TimeUnit.SECONDS).until(() -> inOrder(compliant, uncertified, sensor));
        assertThat(browser.await(By.cssSelector("th[aria-sort='ascending']")).getText()).contains("Software");

        browser.await(software).click();

        await().atMost(10, TimeUnit.SECONDS).until(() -> inOrder(sensor, uncertified, compliant));
        assertThat(browser.await(By.cssSelector("th[aria-sort='descending']")).getText()).contains("Software");
        browser.await(By.cssSelector("button.sort[data-sort='endpoint']")).click();
        await().atMost(10, TimeUnit.SECONDS).until(() -> rowEndpoints().equals(
                rowEndpoints().stream().sorted().toList()));
    }

    @Test
    void a_device_page_opens_and_verify_now_shows_the_verdict_with_its_claims() {
        row(compliant).findElement(By.linkText(compliant)).click();
        browser.awaitText(By.id("links"), "16:");
        assertThat(browser.await(By.id("compliance")).getText()).contains("COMPLIANT");

        browser.await(By.id("verify")).click();

        browser.awaitText(By.id("verify-progress"), "Verdict: VERIFIED");
        String verdict = browser.await(By.id("verdict")).getText();
        assertThat(verdict).contains("VERIFIED", "identityValue", "HDID-100", "counter", "nonce");
    }

    @Test
    void an_identity_edit_reaches_the_device_and_a_locked_instance_answers_4_01() {
        browser.get(server.restUri() + "/#/device/" + compliant);
        By batteryEdit = By.cssSelector("#instance-" + batteryInstance + " tr[data-identity='" + batteryInstance
                + "/0'] button.edit");
        browser.click(batteryEdit);
        WebElement input = browser.await(By.id("identity-" + batteryInstance + "-0"));
        input.clear();
        input.sendKeys("   ", Keys.ENTER);
        browser.awaitText(By.id("identity-" + batteryInstance + "-0-message"), "must not be blank");

        input.clear();
        input.sendKeys("battery pack BP-3", Keys.ENTER);

        browser.awaitText(By.id("write-result"), "the device answered CHANGED");
        assertThat(compliantClient.portfolios().get(batteryInstance).orElseThrow().identities().get(0))
                .isEqualTo("battery pack BP-3");

        int host = compliantClient.hostDevice().instanceId();
        browser.click(By.cssSelector("#instance-" + host + " tr[data-identity='" + host + "/2'] button.edit"));
        WebElement model = browser.await(By.id("identity-" + host + "-2"));
        model.clear();
        model.sendKeys("NW-HACKED", Keys.ENTER);

        browser.awaitText(By.id("identity-" + host + "-2-message"), "4.01 Unauthorized");
        assertThat(browser.await(By.id("identity-" + host + "-2-message")).getText()).contains("locked");
        assertThat(compliantClient.hostDevice().instanceId()).isEqualTo(host);
        assertThat(server.inventory().device(compliant).orElseThrow().summary().host().model()).isEqualTo("NW-E350");
        assertThat(browser.consoleErrors(409)).isEmpty();
    }

    @Test
    void a_new_client_appears_on_the_fleet_page_without_a_reload() throws Exception {
        browser.driver().executeScript("window.notReloaded = true");
        String late = Fleet.newEndpoint("late");

        fleet.start(fleet.client(late, true), Fleet.HostSetup.certified("HDID-300"));

        browser.awaitText(By.cssSelector("#fleet-table tbody"), late);
        assertThat(browser.driver().executeScript("return window.notReloaded === true")).isEqualTo(true);
        assertThat(browser.await(By.id("live")).getText()).contains("live");
    }

    @Test
    void the_summary_counts_the_states_and_the_last_hour() {
        browser.get(server.restUri() + "/#/summary");
        browser.awaitText(By.id("state-counts"), "COMPLIANT");
        String counts = browser.await(By.id("state-counts")).getText();
        assertThat(counts).contains("UNCERTIFIED: 1", "NO PORTFOLIO: 1");
        String registrations = browser.await(By.id("activity-totals")).getText();
        assertThat(registrations).containsPattern("[1-9]\\d* registrations").containsPattern("[1-9]\\d* verdicts");
    }

    @Test
    void a_certification_upload_reports_a_bad_line_and_the_list_shows_matching_devices() throws Exception {
        browser.get(server.restUri() + "/#/certifications");
        browser.awaitText(By.id("certification-table"), compliant);
        Path bad = Files.writeString(dataDir.resolve("bad.csv"),
                "manufacturer,model,software_version\nNorthwind Metering,NW-E350\n");
        browser.await(By.id("csv-file")).sendKeys(bad.toAbsolutePath().toString());
        browser.await(By.cssSelector("#upload-form button[type=submit]")).click();
        browser.awaitText(By.id("upload-result"), "Line 2:");
        assertThat(browser.consoleErrors(400)).isEmpty();
        assertThat(server.inventory().certifications().records()).hasSize(1);

        Path good = Files.writeString(dataDir.resolve("good.csv"), "manufacturer,model,software_version\n"
                + "Northwind Metering,NW-E350,3.4.1\nNorthwind Metering,NW-E350,9.9\n");
        browser.await(By.id("csv-file")).sendKeys(good.toAbsolutePath().toString());
        browser.await(By.cssSelector("#upload-form button[type=submit]")).click();

        browser.awaitText(By.id("upload-result"), "Replaced: 2 records");
        browser.awaitText(By.id("certification-table"), uncertified);
        assertThat(server.inventory().certifications().records()).hasSize(2);
        server.inventory().replaceCertifications(new CertificationList(
                List.of(new Certification("Northwind Metering", "NW-E350", "3.4.1")), Set.of()));
    }

    @Test
    void screenshots_at_desktop_and_phone_width() throws Exception {
        for (var size : List.of(ConsoleBrowser.DESKTOP, ConsoleBrowser.PHONE)) {
            String suffix = size.width + ".png";
            browser.resize(size);
            browser.get(server.restUri() + "/#/fleet");
            browser.awaitText(By.cssSelector("#fleet-table tbody"), sensor);
            browser.screenshot(SCREENSHOTS.resolve("fleet-" + suffix));
            browser.get(server.restUri() + "/#/device/" + compliant);
            browser.awaitText(By.id("verdict"), "VERIFIED");
            browser.screenshot(SCREENSHOTS.resolve("device-" + suffix));
            browser.get(server.restUri() + "/#/certifications");
            browser.awaitText(By.id("certification-table"), compliant);
            browser.screenshot(SCREENSHOTS.resolve("certifications-" + suffix));
            browser.get(server.restUri() + "/#/summary");
            browser.awaitText(By.id("state-counts"), "COMPLIANT");
            browser.screenshot(SCREENSHOTS.resolve("summary-" + suffix));
        }
        assertThat(SCREENSHOTS.resolve("fleet-390.png")).isNotEmptyFile();
    }

    /** The rows' endpoints in one script call: the page may redraw the rows between two calls. */
    @SuppressWarnings("unchecked")
    private List<String> rowEndpoints() {
        return (List<String>) browser.driver().executeScript("return [...document.querySelectorAll("
                + "'#fleet-table tbody tr[data-endpoint]')].map(row => row.dataset.endpoint)");
    }

    /** Whether the rows shown hold these endpoints in this order, maybe with others between them. */
    private boolean inOrder(String... endpoints) {
        List<String> rows = rowEndpoints();
        List<String> positions = rows.stream().filter(List.of(endpoints)::contains).toList();
        return positions.equals(List.of(endpoints));
    }

    private WebElement row(String endpoint) {
        return browser.await(By.cssSelector("#fleet-table tbody tr[data-endpoint='" + endpoint + "']"));
    }

    private void awaitState(String endpoint, ComplianceState state) {
        await().atMost(30, TimeUnit.SECONDS).until(() -> server.inventory().device(endpoint)
                .map(DeviceDetail::summary).map(s -> s.state() == state).orElse(false));
    }
}
