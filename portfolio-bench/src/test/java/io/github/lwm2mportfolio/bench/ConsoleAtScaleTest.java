package io.github.lwm2mportfolio.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.collector.DeviceOperations;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.rest.RestApi;

/**
 * The console's fleet page on a large fleet ({@link FleetLoader}) in headless Chromium: the total, cursor pages
 * forward and back, the state filter and the search give the right rows. Prints how long each took as the
 * person at the browser sees it; asserts no timing, since this machine is shared. 10,000 devices in every
 * build; {@code -Dconsole.devices=100000} for the figures of docs/CONSOLE.md.
 */
class ConsoleAtScaleTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final int DEVICES = Integer.getInteger("console.devices", 10_000);
    private static final int PAGES = 20;

    @TempDir
    Path dir;

    @Test
    void the_fleet_page_pages_filters_and_searches_a_large_fleet() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium is not installed (/usr/bin/chromium, /usr/bin/chromedriver): skipping");
        String url = JdbcInventory.h2Url(dir.resolve("db"));
        JdbcInventory.open(url).close(); // migrates the empty schema
        long loadStart = System.nanoTime();
        FleetLoader.load(url, DEVICES, 13, Instant.now());
        FleetLoader.analyze(url, false);
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;

        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + dir.resolve("profile").toAbsolutePath(),
                "--window-size=1280,900");
        try (JdbcInventory inventory = JdbcInventory.open(url)) {
            RestApi api = RestApi.start("127.0.0.1", 0, inventory, new NoDevices(), new ServerEvents());
            ChromeDriver driver = new ChromeDriver(service, options);
            try {
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
                Supplier<List<String>> rows = () -> rows(driver);
                Supplier<String> range = () -> driver.findElement(By.cssSelector(".pager .range")).getText();

                long opened = System.nanoTime();
                driver.get(api.consoleLoginLink());
                wait.until(d -> range.get().endsWith("of " + DEVICES));
                double firstPageMs = (System.nanoTime() - opened) / 1e6;
                List<String> seen = new ArrayList<>(rows.get());

                List<Double> nextMs = new ArrayList<>();
                for (int page = 1; page < PAGES; page++) {
                    String expected = (page * 50 + 1) + "–" + (page * 50 + 50) + " of " + DEVICES;
                    long clicked = System.nanoTime();
                    driver.findElement(By.xpath("//button[contains(., 'Next')]")).click();
                    wait.until(d -> range.get().equals(expected) && !seen.contains(rows.get().get(0)));
                    nextMs.add((System.nanoTime() - clicked) / 1e6);
                    seen.addAll(rows.get());
                }
                assertThat(seen).hasSize(PAGES * 50).doesNotHaveDuplicates().isSorted();
                driver.findElement(By.xpath("//button[contains(., 'Previous')]")).click();
                wait.until(d -> rows.get().equals(seen.subList((PAGES - 2) * 50, (PAGES - 1) * 50)));

                long uncertified = inventory.complianceCounts().get(ComplianceState.UNCERTIFIED);
                long filtered = System.nanoTime();
                new Select(driver.findElement(By.id("fleet-state"))).selectByValue("UNCERTIFIED");
                wait.until(d -> range.get().equals("1–50 of " + uncertified));
                double filterMs = (System.nanoTime() - filtered) / 1e6;
                assertThat(driver.findElements(By.cssSelector("#fleet-table tbody .state-cell")))
                        .allSatisfy(cell -> assertThat(cell.getText()).startsWith("UNCERTIFIED"));

                String endpoint = seen.get(seen.size() / 2);
                long searched = System.nanoTime();
                new Select(driver.findElement(By.id("fleet-state"))).selectByValue("");
                driver.findElement(By.id("fleet-search")).sendKeys(endpoint);
                wait.until(d -> rows.get().equals(List.of(endpoint)));
                double searchMs = (System.nanoTime() - searched) / 1e6; // includes the 300 ms typing pause

                List<Double> sorted = nextMs.stream().sorted().toList();
                System.out.printf("%nconsole at %,d devices (loaded in %.1f s): first page after login %.0f ms; "
                        + "next page p50 %.0f ms, max %.0f ms (%d pages); state filter %.0f ms (%,d UNCERTIFIED); "
                        + "search for one endpoint %.0f ms%n", DEVICES, loadSeconds, firstPageMs,
                        sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), sorted.size(), filterMs,
                        uncertified, searchMs);
            } finally {
                driver.quit();
                service.stop();
                api.stop();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> rows(ChromeDriver driver) {
        return (List<String>) ((JavascriptExecutor) driver).executeScript("return [...document.querySelectorAll("
                + "'#fleet-table tbody tr[data-endpoint]')].map(row => row.dataset.endpoint)");
    }

    /** A fleet page never reaches a device. */
    private static final class NoDevices implements DeviceOperations {
        @Override
        public CompletableFuture<Verification> verifyNow(String endpoint) {
            throw new AssertionError("no device call expected");
        }

        @Override
        public CompletableFuture<WriteOutcome> writeIdentity(String endpoint, int instanceId, int identityId,
                String value) {
            throw new AssertionError("no device call expected");
        }
    }
}
