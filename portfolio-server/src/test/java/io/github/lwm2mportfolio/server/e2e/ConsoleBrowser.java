package io.github.lwm2mportfolio.server.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium through its chromedriver, never a browser or driver Selenium would download; tests
 * skip when they are not installed (CI installs them: .ci/run). Collects what the page wrote to its console.
 */
final class ConsoleBrowser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Dimension DESKTOP = new Dimension(1280, 900);
    static final Dimension PHONE = new Dimension(390, 844);
    private static final Pattern HTTP_STATUS = Pattern.compile("status of (\\d{3})");

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final WebDriverWait wait;

    private ConsoleBrowser(Path profile) {
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=" + DESKTOP.width + "," + DESKTOP.height);
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        wait.withMessage(() -> "the page at " + driver.getCurrentUrl() + " shows: "
                + driver.findElement(By.tagName("body")).getText() + "; its console: " + consoleErrors());
    }

    /** A browser with a fresh profile in this folder; the test is skipped (not failed) without Chromium. */
    static ConsoleBrowser open(Path profile) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium is not installed (/usr/bin/chromium and /usr/bin/chromedriver): "
                        + "apt-get install chromium chromium-driver; skipping the console's browser tests");
        Files.createDirectories(profile);
        return new ConsoleBrowser(profile);
    }

    ChromeDriver driver() {
        return driver;
    }

    void get(String url) {
        driver.get(url);
    }

    WebElement await(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Clicks what this finds, finding it again should the page redraw it in between. */
    void click(By by) {
        wait.ignoring(StaleElementReferenceException.class).until(d -> {
            d.findElement(by).click();
            return true;
        });
    }

    void awaitText(By by, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    void resize(Dimension size) {
        driver.manage().window().setSize(size);
    }

    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The errors the page logged since the last call, but for the "Failed to load resource" lines of HTTP
     * statuses the test provoked on purpose (Chromium logs every 4xx answer so, even one the page handles).
     */
    List<String> consoleErrors(int... expectedStatuses) {
        return consoleErrorsBut(List.of(), expectedStatuses);
    }

    /** The same, leaving out also the lines that contain any of these texts. */
    List<String> consoleErrorsBut(List<String> expectedTexts, int... expectedStatuses) {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(message -> !expected(message, expectedStatuses))
                .filter(message -> expectedTexts.stream().noneMatch(message::contains))
                .toList();
    }

    private static boolean expected(String message, int... statuses) {
        var matcher = HTTP_STATUS.matcher(message);
        if (!message.contains("Failed to load resource") || !matcher.find()) {
            return false;
        }
        int status = Integer.parseInt(matcher.group(1));
        for (int expected : statuses) {
            if (expected == status) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
