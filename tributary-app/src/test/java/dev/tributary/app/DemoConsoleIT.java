package dev.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.server.console.HeadlessChromium;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What a newcomer does after the first command: {@code ./tributary demo} (the packaged jar, in a
 * process of its own, left running as the README says), then the console address it printed, in
 * Chromium, logged in with the admin token it printed. Both links are there, the conflict the demo
 * left for a person is in the inbox, and keeping the CRM's side changes Barbara's email in both
 * applications' databases — the ERP's through the continuous link, with no command run.
 */
class DemoConsoleIT {

    private static final Path JAR = Path.of("target", "tributary.jar");
    private static final Pattern TOKEN = Pattern.compile("token: (trb_[A-Za-z0-9_-]+)");
    private static final Pattern CONSOLE = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/console/)");

    @Test
    void theConsoleTheDemoPrintsShowsBothLinksAndResolvesItsConflictInBothDatabases(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("demo");
        Path stderr = dir.resolve("demo-stderr.txt");
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-jar", JAR.toString(), "demo", "--port", Integer.toString(HubProcess.freePort()), "--data-dir", data.toString())
                .redirectError(stderr.toFile()).start();
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            StringBuilder printed = new StringBuilder();
            BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null && !line.contains("Press Ctrl-C"); ) {
                printed.append(line).append('\n');
            }
            assertThat(demo.isAlive()).as("the demo keeps its hub running\n" + printed + Files.readString(stderr)).isTrue();
            String token = found(TOKEN, printed);
            String console = found(CONSOLE, printed);
            String crm = "jdbc:sqlite:" + data.resolve("crm.db").toAbsolutePath();
            String erp = "jdbc:sqlite:" + data.resolve("erp.db").toAbsolutePath();
            assertThat(email(crm, "SELECT email FROM customers WHERE full_name = 'Barbara Liskov'")).isEqualTo("barbara@crm.example");
            assertThat(email(erp, "SELECT email_address FROM accounts WHERE name = 'Barbara Liskov'")).isEqualTo("barbara@erp.example");

            WebDriverWait wait = chromium.waiting(20);
            chromium.browser.get(console);
            chromium.browser.findElement(By.id("token")).sendKeys(token, Keys.ENTER);
            wait.until(ExpectedConditions.textToBe(By.id("count-conflicts"), "1"));
            for (String link : List.of("crm-customers", "erp-accounts")) {
                assertThat(chromium.browser.findElement(By.cssSelector("tr[data-link='" + link + "']")).getText())
                        .as("the overview lists link " + link).contains(link, "customers", "both");
            }

            chromium.browser.findElement(By.id("nav-conflicts")).click();
            WebElement conflict = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("article.conflict")));
            assertThat(conflict.getText()).contains("crm-customers", "barbara@erp.example", "barbara@crm.example");
            assertThat(chromium.unnamedControls()).isEmpty();
            conflict.findElement(By.xpath(".//button[text()='Keep endpoint']")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("no-conflicts")));

            // The CRM's email is now the hub's, and the continuous ERP link writes it to the ERP.
            String atErp = null;
            for (long deadline = System.nanoTime() + 20_000_000_000L; System.nanoTime() < deadline
                    && !"barbara@crm.example".equals(atErp = email(erp, "SELECT email_address FROM accounts WHERE name = 'Barbara Liskov'")); ) {
                Thread.sleep(50);
            }
            assertThat(atErp).as("the ERP's copy within 20 s").isEqualTo("barbara@crm.example");
            assertThat(email(crm, "SELECT email FROM customers WHERE full_name = 'Barbara Liskov'")).isEqualTo("barbara@crm.example");
        } finally {
            demo.destroy(); // Ctrl-C
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).as("the demo stops on SIGTERM").isTrue();
        }
    }

    private static String found(Pattern pattern, CharSequence printed) {
        Matcher matcher = pattern.matcher(printed);
        assertThat(matcher.find()).as("the demo printed " + pattern + "\n" + printed).isTrue();
        return matcher.group(1);
    }

    private static String email(String url, String query) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
                ResultSet row = connection.createStatement().executeQuery(query)) {
            return row.next() ? row.getString(1) : null;
        }
    }
}
