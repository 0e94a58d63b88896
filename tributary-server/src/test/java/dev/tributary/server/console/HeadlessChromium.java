package dev.tributary.server.console;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium driven headless through its chromedriver, with a profile of its own, for the
 * tests that use the console as a person does. Without the two programs a test is skipped with a
 * message saying what to install, or fails when {@code CI=true}.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    public final ChromeDriver browser;
    private final Path profile;

    private HeadlessChromium(ChromeDriver browser, Path profile) {
        this.browser = browser;
        this.profile = profile;
    }

    /** Starts a browser; skips (or, on CI, fails) the calling test when Chromium is not installed. */
    public static HeadlessChromium start() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String why = "Chromium and chromedriver are not installed (Debian packages chromium and chromium-driver;"
                    + " .ci/run installs them)";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        Path profile = Files.createTempDirectory("tributary-chromium-");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new",
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,900",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new HeadlessChromium(new ChromeDriver(service, options), profile);
    }

    /** A wait that looks again when the page replaced what it looked at (each console view renders itself anew). */
    public WebDriverWait waiting(int seconds) {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(seconds));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** The buttons, inputs and links shown on the page that have no accessible name (a label, aria-label or text). */
    @SuppressWarnings("unchecked")
    public List<String> unnamedControls() {
        return (List<String>) ((JavascriptExecutor) browser).executeScript("""
                const unnamed = [];
                for (const control of document.querySelectorAll('button, input, select, textarea, a[href]')) {
                  if (control.closest('[hidden]')) continue;
                  const label = (control.id && document.querySelector('label[for="' + control.id + '"]'))
                      || control.closest('label');
                  const name = control.getAttribute('aria-label') || (label && label.textContent) || control.textContent;
                  if (!name || !name.trim()) unnamed.push(control.outerHTML);
                }
                return unnamed;""");
    }

    @Override
    public void close() throws IOException {
        browser.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
