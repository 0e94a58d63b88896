package dev.tributary.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.Uid;
import dev.tributary.connectors.memory.MemoryBackend;
import dev.tributary.server.TestHub;
import dev.tributary.server.TestHub.Answer;
import dev.tributary.store.StoreBackend;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console at /console, driven in the distribution's Chromium (headless) by Selenium: a bad
 * token is refused with a message; an admin logs in with the keyboard, sees the link and the
 * conflict a run parked, opens the conflicts inbox, compares the two sides field by field and
 * keeps the endpoint's — and the record changes in the hub and at the endpoint. Every control has
 * an accessible name. It takes screenshots of the pages (docs/console.md shows them).
 */
class ConsoleBrowserIT {

    /** Where screenshots go: target/ by default; -Dtributary.screenshots=../docs/images renews the docs' pictures. */
    private static final Path IMAGES = Path.of(System.getProperty("tributary.screenshots", "target/console-screenshots"));
    private static final ObjectClass ITEMS = new ObjectClass("items");

    private final String backendName = "console-" + UUID.randomUUID();
    private TestHub hub;
    private MemoryBackend crm;
    private HeadlessChromium chromium;
    private ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        chromium = HeadlessChromium.start();
        browser = chromium.browser;
        hub = new TestHub(StoreBackend.sqlite());
        crm = MemoryBackend.named(backendName);
    }

    @AfterEach
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (hub != null) {
            hub.close();
            MemoryBackend.drop(backendName);
        }
    }

    @Test
    void anAdminSeesTheParkedConflictAndResolvesItInTheBrowser() throws Exception {
        String recordId = parkAConflict();
        WebDriverWait wait = waiting(15);
        browser.get(hub.server.baseUrl() + "/console/");

        // A token the hub does not know: refused, with a message, nothing shown.
        browser.findElement(By.id("token")).sendKeys("trb_not-a-real-token", Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "refused"));
        assertThat(browser.findElement(By.id("nav")).isDisplayed()).isFalse();

        // The admin logs in with the keyboard alone: type, Enter.
        WebElement token = browser.findElement(By.id("token"));
        assertThat(browser.switchTo().activeElement()).as("the token field has the focus").isEqualTo(token);
        token.sendKeys(hub.adminToken, Keys.ENTER);
        wait.until(ExpectedConditions.textToBe(By.id("count-conflicts"), "1"));
        assertThat(browser.findElement(By.cssSelector("tr[data-link='crm-people']")).getText())
                .contains("crm-people", "crm", "people", "both");
        assertThat((String) ((JavascriptExecutor) browser).executeScript("return sessionStorage.length + location.href"))
                .as("the token is kept in the tab, never in the URL").doesNotContain(hub.adminToken);
        everyControlHasAName();
        screenshot("console-overview.png");

        // The conflicts inbox: hub and endpoint side by side, field by field.
        browser.findElement(By.id("nav-conflicts")).click();
        WebElement conflict = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("article.conflict")));
        assertThat(conflict.getText()).contains(recordId, "Ada (hub)", "Ada (crm)");
        assertThat(conflict.findElements(By.cssSelector("tr.differs"))).as("the field that differs is marked").hasSize(1);
        assertThat(conflict.findElement(By.cssSelector("td.base")).getText()).as("what both had when last in sync")
                .isEqualTo("\"Ada\"");
        assertThat(conflict.findElements(By.cssSelector("td.changed"))).as("both sides changed it since").hasSize(2);
        everyControlHasAName();
        screenshot("console-conflicts.png");
        conflict.findElement(By.xpath(".//button[text()='Keep endpoint']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("no-conflicts")));
        assertThat(browser.findElement(By.cssSelector("tr[data-resolved]")).getText()).contains(recordId, "endpoint");

        // The record changed in the hub, and the endpoint keeps its version.
        assertThat(hub.get("/v1/collections/people/records/" + recordId).json().at("/data/name").asText())
                .isEqualTo("Ada (crm)");
        assertThat(crm.list(ITEMS, null, 100)).anySatisfy(object -> assertThat(object.fields().get("name")).isEqualTo("Ada (crm)"));
        assertThat(hub.get("/v1/conflicts").json().get("items")).isEmpty();

        // The nodes page: this hub as a live node.
        browser.findElement(By.id("nav-nodes")).click();
        WebElement node = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-node]")));
        assertThat(node.getText()).contains("(this node)", "live");
        everyControlHasAName();

        browser.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
        assertThat((Long) ((JavascriptExecutor) browser).executeScript("return sessionStorage.length")).isZero();
    }

    @Test
    void aTokenWithoutAdminSeesItsCollectionsOnly() {
        hub.put("/v1/collections/people", "{}");
        hub.put("/v1/collections/secrets", "{}");
        String reader = hub.token("read:people");
        WebDriverWait wait = waiting(15);
        browser.get(hub.server.baseUrl() + "/console/#/overview");
        browser.findElement(By.id("token")).sendKeys(reader, Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "need an admin token"));
        String page = browser.findElement(By.id("view")).getText();
        assertThat(page).contains("people").doesNotContain("secrets");
        assertThat(browser.findElement(By.id("count-links")).getText()).isEqualTo("—");
    }

    /** The link page: a run started from it is followed live (server-sent events), then listed with its stats. */
    @Test
    void aRunStartedFromTheLinkPageIsFollowedLive() throws Exception {
        hub.put("/v1/endpoints/crm", "{\"connector\":\"memory\",\"config\":{\"backend\":\"" + backendName + "\"}}");
        for (int i = 0; i < 50; i++) {
            crm.create(ITEMS, null, Map.of("name", "person " + i));
        }
        hub.put("/v1/links/crm-people", "{\"endpoint\":\"crm\",\"objectClass\":\"items\",\"collection\":\"people\"}");
        crm.faults().delay("sync", Duration.ofSeconds(5)); // a run long enough to be watched
        WebDriverWait wait = waiting(30);
        browser.get(hub.server.baseUrl() + "/console/");
        browser.findElement(By.id("token")).sendKeys(hub.adminToken, Keys.ENTER);
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("crm-people"))).click();
        wait.until(ExpectedConditions.textToBe(By.id("run-phase"), "no run going"));
        browser.findElement(By.id("action-run-now")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("run-phase"), "running"));
        everyControlHasAName();
        screenshot("console-link.png");
        assertThat(browser.findElement(By.id("action-cancel-the-current-run")).isDisplayed()).isTrue();
        // The page renders itself again when the run ends: read it only through waits that look again.
        wait.until(driver -> {
            String row = driver.findElement(By.cssSelector("tr[data-run]")).getText();
            return row.contains("manual") && row.contains("succeeded") && row.contains("+50");
        });
        wait.until(ExpectedConditions.textToBe(By.id("run-phase"), "no run going"));
        assertThat(browser.findElement(By.id("link-summary")).getText()).as("inbound lag: how long since it was read")
                .containsPattern("inbound: read \\d+ s ago");

        // A run that fails: the timeline shows both runs in time order, each with its outcome.
        crm.faults().clear();
        crm.faults().down(new IllegalStateException("the CRM is down"));
        hub.clock.advance(Duration.ofMinutes(1)); // the hub's clock stands still in tests: a run later than the first
        browser.findElement(By.id("action-run-now")).click();
        wait.until(driver -> driver.findElements(By.cssSelector("ol.timeline li")).size() == 2
                && driver.findElements(By.cssSelector("ol.timeline li.run-failed")).size() == 1);
        List<WebElement> marks = browser.findElements(By.cssSelector("ol.timeline li"));
        assertThat(marks.get(0).getAttribute("class")).isEqualTo("run-succeeded");
        assertThat(marks.get(0).getAttribute("title")).as("the tooltip; the same text is there for screen readers")
                .startsWith("manual run ").contains("succeeded").isEqualTo(marks.get(0).getText());
        assertThat(marks.get(1).getAttribute("title")).contains("failed");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("tr[data-run].attention"), "the CRM is down"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("link-summary"), "State: idle"));
        screenshot("console-runs.png");
        crm.faults().up();

        // Pause and resume from the page.
        browser.findElement(By.id("action-pause")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("action-resume")));
        assertThat(hub.get("/v1/links/crm-people").json().at("/state/paused").asBoolean()).isTrue();
        browser.findElement(By.id("action-resume")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("action-pause")));
        assertThat(hub.get("/v1/links/crm-people").json().at("/state/paused").asBoolean()).isFalse();
    }

    /** Tokens: a bad scope is shown at its field; a token is created, its secret shown once, then revoked. */
    @Test
    void aTokenIsCreatedInTheBrowserAndRevoked() throws Exception {
        hub.put("/v1/collections/people", "{}");
        WebDriverWait wait = waiting(15);
        logIn(wait);
        browser.findElement(By.id("nav-tokens")).click();
        WebElement scopes = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("field-scopes")));
        browser.findElement(By.id("field-name")).sendKeys("sales app");
        scopes.sendKeys("read:people bogus");
        browser.findElement(By.id("token-form-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("field-scopes-error"), "invalid scope 'bogus'"));
        assertThat(browser.findElement(By.id("field-scopes")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(hub.get("/v1/tokens").text()).as("nothing created").doesNotContain("sales app");

        browser.findElement(By.id("field-scopes")).clear();
        browser.findElement(By.id("field-scopes")).sendKeys("read:people", Keys.ENTER);
        WebElement shown = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("token-secret")));
        String secret = shown.getDomProperty("value");
        assertThat(secret).startsWith("trb_");
        assertThat(hub.send("GET", "/v1/collections/people/records", null, secret).status()).as("the new token works").isEqualTo(200);
        everyControlHasAName();
        screenshot("console-tokens.png");

        browser.findElement(By.linkText("Done — show the list")).click();
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath("//tr[th[text()='sales app']]")));
        assertThat(row.getText()).contains("read:people");
        assertThat(browser.findElement(By.id("view")).getText()).as("the secret is not shown again").doesNotContain(secret);
        row.findElement(By.xpath(".//button[text()='Revoke']")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//button[text()='Yes, revoke']"))).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.xpath("//tr[th[text()='sales app']]")));
        assertThat(hub.send("GET", "/v1/collections/people/records", null, secret).status()).as("revoked").isEqualTo(401);
    }

    /**
     * An endpoint form generated from the connector's declared settings: a missing required setting
     * is shown next to its field; saved, the connection test says it works; then a link is made
     * with the link form (a bad schedule shown at its field first).
     */
    @Test
    void anEndpointAndALinkAreCreatedWithFormsThatShowProblemsAtTheirFields() throws Exception {
        WebDriverWait wait = waiting(15);
        logIn(wait);
        browser.findElement(By.id("nav-endpoints")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("new-endpoint"))).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("field-connector")));
        browser.findElement(By.id("field-name")).sendKeys("crm");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("field-connector"))).selectByValue("memory");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("field-config-backend")));
        WebElement classes = browser.findElement(By.id("field-config-objectClasses"));
        assertThat(classes.getAttribute("placeholder")).as("a default is shown").isEqualTo("default: items");
        browser.findElement(By.id("endpoint-form-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("field-config-backend-error"), "'backend' is required"));
        assertThat(browser.findElement(By.id("field-config-backend")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(hub.get("/v1/endpoints/crm").status()).as("nothing saved").isEqualTo(404);
        everyControlHasAName();
        screenshot("console-endpoint.png");

        browser.findElement(By.id("field-config-backend")).sendKeys(backendName);
        browser.findElement(By.id("endpoint-form-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#endpoint-form .form-result"),
                "Connection test: it works."));
        assertThat(hub.get("/v1/endpoints/crm").json().at("/config/backend").asText()).isEqualTo(backendName);
        assertThat(browser.findElement(By.id("field-config-backend-error")).getText()).isEmpty();

        browser.get(hub.server.baseUrl() + "/console/#/links/new");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("field-objectClass")));
        browser.findElement(By.id("field-name")).sendKeys("crm-people");
        browser.findElement(By.id("field-objectClass")).sendKeys("items");
        browser.findElement(By.id("field-collection")).sendKeys("people");
        browser.findElement(By.id("field-schedule")).sendKeys("every 5 minutes");
        browser.findElement(By.id("field-fieldMap")).sendKeys("name = full_name");
        browser.findElement(By.id("link-form-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("field-schedule-error"), "ISO-8601 duration"));
        assertThat(hub.get("/v1/links/crm-people").status()).isEqualTo(404);
        browser.findElement(By.id("field-schedule")).clear();
        browser.findElement(By.id("field-schedule")).sendKeys("PT5M");
        browser.findElement(By.id("link-form-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#view h2"), "Link crm-people"));
        var link = hub.get("/v1/links/crm-people").json();
        assertThat(link.at("/schedule").asText()).isEqualTo("PT5M");
        assertThat(link.at("/fieldMap/name").asText()).isEqualTo("full_name");
    }

    /**
     * An edited merge of a conflict, kept in the browser, becomes the hub's record and, at the
     * next run, the endpoint's; a record the endpoint refused is listed on the link's page and
     * retried from there; records are found with a filter.
     */
    @Test
    void aMergeReachesBothSidesARefusedRecordIsRetriedAndRecordsAreFound() throws Exception {
        String recordId = parkAConflict();
        WebDriverWait wait = waiting(20);
        logIn(wait);
        browser.findElement(By.id("nav-conflicts")).click();
        WebElement conflict = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("article.conflict")));
        conflict.findElement(By.xpath(".//button[text()='Edit a merge…']")).click();
        WebElement merged = conflict.findElement(By.id("merge-" + conflict.getAttribute("data-conflict")));
        conflict.findElement(By.xpath(".//input[@value='endpoint']")).click();
        assertThat(merged.getDomProperty("value")).contains("Ada (crm)");
        merged.clear();
        merged.sendKeys("{\"name\": \"Ada Lovelace\"}");
        everyControlHasAName();
        conflict.findElement(By.xpath(".//button[text()='Keep merge']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("no-conflicts")));
        assertThat(hub.get("/v1/collections/people/records/" + recordId).json().at("/data/name").asText())
                .isEqualTo("Ada Lovelace");
        run("crm-people");
        assertThat(crm.list(ITEMS, null, 100)).anySatisfy(object -> assertThat(object.fields().get("name")).isEqualTo("Ada Lovelace"));

        // A record the endpoint refuses: listed on the link's page with the reason, retried from there.
        crm.faults().failCall("create", 1, new dev.tributary.connector.RecordRejectedException(null, "name is on a block list"));
        hub.put("/v1/collections/people/records/grace", "{\"data\":{\"name\":\"Grace\"}}");
        run("crm-people");
        browser.get(hub.server.baseUrl() + "/console/#/links/crm-people");
        WebElement refused = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-refused='grace']")));
        assertThat(refused.getText()).contains("block list");
        everyControlHasAName();
        screenshot("console-refused.png");
        refused.findElement(By.xpath(".//button[text()='Retry']")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-refused='grace']")));
        run("crm-people");
        assertThat(crm.list(ITEMS, null, 100)).anySatisfy(object -> assertThat(object.fields().get("name")).isEqualTo("Grace"));

        // Records found with the filter language; a bad filter is shown at the field.
        browser.findElement(By.id("nav-collections")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("people"))).click();
        WebElement filter = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("field-filter")));
        filter.sendKeys("name eq", Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("field-filter-error"), "position"));
        browser.findElement(By.id("field-filter")).clear();
        browser.findElement(By.id("field-filter")).sendKeys("name eq 'Grace'", Keys.ENTER);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-record='grace']")));
        assertThat(browser.findElements(By.cssSelector("tr[data-record]"))).hasSize(1);
        screenshot("console-collection.png");
        browser.findElement(By.linkText("grace")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#view h2"), "Record grace"));
        assertThat(browser.findElement(By.id("view")).getText()).contains("Grace", "latest version");
    }

    /** The read-only pages: SData resource kinds and links, ESA adapters, offline services. */
    @Test
    void theProtocolPagesListWhatIsConfigured() throws Exception {
        hub.put("/v1/collections/notes", "{}");
        assertThat(hub.put("/v1/sdata/resources/notes", "{\"collection\":\"notes\"}").status()).isEqualTo(201);
        assertThat(hub.put("/v1/sdata/links/to-branch", "{\"resource\":\"notes\",\"direction\":\"out\",\"remote\":{\"url\":"
                + "\"http://127.0.0.1:9/sdata/tributary/records/-/notes\",\"token\":\"remote-secret\"}}").status()).isEqualTo(201);
        assertThat(hub.put("/v1/services/Field", "{\"objects\": {\"Note\": {\"collection\": \"notes\", \"primaryKey\": [\"id\"],"
                + " \"conflictPolicy\": \"serverWins\"}}, \"uploadParameters\": [{\"name\": \"SiteID\", \"required\": true}]}")
                .status()).isEqualTo(201);
        WebDriverWait wait = waiting(15);
        logIn(wait);
        browser.findElement(By.id("nav-sdata")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "to-branch"));
        String sdata = browser.findElement(By.id("view")).getText();
        assertThat(sdata).contains("notes", "tributary/records", "out", "http://127.0.0.1:9/sdata/tributary/records/-/notes")
                .doesNotContain("remote-secret");
        everyControlHasAName();
        browser.findElement(By.id("nav-services")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "Field"));
        assertThat(browser.findElement(By.id("view")).getText()).contains("Note (notes, serverWins)", "SiteID (required)");
        Path esaDir = Files.createTempDirectory("tributary-console-esa-");
        dev.tributary.esa.reference.FaultySqliteEsa esa = new dev.tributary.esa.reference.FaultySqliteEsa(
                esaDir.resolve("crm.db"), Map.of("people", "name TEXT"));
        try (dev.tributary.esa.kit.EsaServer server = dev.tributary.esa.kit.EsaServer.start(esa, 0,
                dev.tributary.esa.kit.EsaServer.Options.defaults().withToken("adapter-secret"))) {
            Answer adapter = hub.put("/v1/endpoints/adapter", "{\"connector\":\"esa\",\"config\":{\"url\":\"" + server.uri()
                    + "\",\"token\":\"adapter-secret\"}}");
            assertThat(adapter.status()).as(adapter.text()).isEqualTo(201);
            browser.findElement(By.id("nav-esa")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "adapter"));
            String row = browser.findElement(By.cssSelector("#view table")).getText();
            assertThat(row).contains("adapter", hub.get("/v1/endpoints/adapter/esa").json().get("externalSystemId").asText())
                    .doesNotContain("adapter-secret");
        } finally {
            esa.close();
        }
        everyControlHasAName();
    }

    private void logIn(WebDriverWait wait) {
        browser.get(hub.server.baseUrl() + "/console/");
        browser.findElement(By.id("token")).sendKeys(hub.adminToken, Keys.ENTER);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("overview-title")));
    }

    private WebDriverWait waiting(int seconds) {
        return chromium.waiting(seconds);
    }

    /** A record changed on both sides between two runs of a link: the run parks a conflict. */
    private String parkAConflict() {
        hub.put("/v1/endpoints/crm", "{\"connector\":\"memory\",\"config\":{\"backend\":\"" + backendName + "\"}}");
        Uid ada = crm.create(ITEMS, null, Map.of("name", "Ada")).uid();
        hub.put("/v1/links/crm-people", "{\"endpoint\":\"crm\",\"objectClass\":\"items\",\"collection\":\"people\"}");
        run("crm-people");
        String recordId = hub.get("/v1/collections/people/records").json().at("/items/0/id").asText();
        hub.put("/v1/collections/people/records/" + recordId, "{\"data\":{\"name\":\"Ada (hub)\"}}");
        crm.update(ITEMS, ada, null, Map.of("name", "Ada (crm)"));
        run("crm-people");
        assertThat(hub.get("/v1/conflicts").json().get("items")).hasSize(1);
        return recordId;
    }

    private void run(String link) {
        String id = hub.post("/v1/links/" + link + "/runs", "").json().get("id").asText();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                List.of("succeeded", "failed", "cancelled").contains(hub.get("/v1/runs/" + id).json().get("state").asText()));
    }

    /** Every button, input and link on the page has an accessible name: a label, aria-label or text. */
    private void everyControlHasAName() {
        assertThat(chromium.unnamedControls()).as("controls without an accessible name").isEmpty();
    }

    private void screenshot(String name) throws Exception {
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.createDirectories(IMAGES);
        Files.copy(shot.toPath(), IMAGES.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(IMAGES.resolve(name), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }
}
