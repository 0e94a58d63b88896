package dev.tributary.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.server.HubServer;
import dev.tributary.server.Json;
import dev.tributary.server.ServerConfig;
import dev.tributary.store.Store;
import dev.tributary.store.StoreConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tributary demo}: two applications — a CRM with a {@code customers} table and an ERP with
 * an {@code accounts} table, their columns named differently — each an SQLite database, kept in
 * sync through a hub on a fresh embedded store. The demo declares them over the admin API, runs
 * the sync, changes both sides, shows the changes arrive on the other side, and shows a conflict
 * decided by policy; then leaves the hub running.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start a hub and keep two applications in sync through it.",
            "",
            "A CRM (customers table) and an ERP (accounts table, other column names),",
            "each an SQLite database, are linked to one hub collection in both",
            "directions. The demo syncs them, changes both sides, shows a conflict",
            "decided by policy, and leaves the hub running (Ctrl-C to stop)."})
final class DemoCommand implements Callable<Integer> {

    private static final List<String> OWN_FILES = List.of("tributary.db", "crm.db", "erp.db");

    @Option(names = "--data-dir", paramLabel = "<dir>", defaultValue = "tributary-demo-data",
            description = "Directory for the demo's databases; emptied first (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--port", paramLabel = "<port>", defaultValue = "8080",
            description = "Port to listen on; if it is taken a free one is used (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--exit", description = {"Stop after the demonstration instead of keeping the hub running;",
                "exits 0 only when every step worked (for scripts and CI)."})
    boolean exit;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private PrintWriter out;
    private final HttpClient http = HttpClient.newHttpClient();
    private String baseUrl;
    private String token;
    private String crmUrl;
    private String erpUrl;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        freshDataDir();
        crmUrl = "jdbc:sqlite:" + dataDir.resolve("crm.db").toAbsolutePath();
        erpUrl = "jdbc:sqlite:" + dataDir.resolve("erp.db").toAbsolutePath();
        createApplications();
        Store store = Store.open(StoreConfig.sqlite(dataDir), Clock.systemUTC());
        HubServer hub = startHub(store);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hub.close();
            store.close();
            stopped.countDown();
        }, "tributary-demo-shutdown"));
        baseUrl = hub.localUrl();
        token = store.accessTokens().create("demo admin", List.of("admin")).secret();

        title("Tributary demo: two applications kept in sync through one hub");
        out.println("  hub:   " + baseUrl + "   (store: " + dataDir.resolve("tributary.db") + ")");
        out.println("  token: " + token + "   (scope admin)");
        out.println("  CRM:   " + dataDir.resolve("crm.db") + "   table customers(id, full_name, email, phone)");
        out.println("  ERP:   " + dataDir.resolve("erp.db") + "   table accounts(account_no, name, email_address, credit_limit)");

        step(1, "Two applications, each with its own people", "");
        showBoth();

        step(2, "Declare them to the hub: two endpoints, two links to one collection",
                "PUT /v1/endpoints/{e}, PUT /v1/links/{l}");
        call("PUT", "/v1/endpoints/crm", "{\"connector\":\"jdbc\",\"config\":{\"url\":\"" + crmUrl
                + "\",\"tables\":\"customers\",\"installTriggers\":true}}");
        call("PUT", "/v1/endpoints/erp", "{\"connector\":\"jdbc\",\"config\":{\"url\":\"" + erpUrl
                + "\",\"tables\":\"accounts\",\"keyColumn\":\"account_no\",\"installTriggers\":true}}");
        call("PUT", "/v1/links/crm-customers", CRM_LINK);
        call("PUT", "/v1/links/erp-accounts", ERP_LINK);
        out.println("  crm-customers: customers.full_name → name, email → email, phone → phone   (both ways, manual: a person decides conflicts)");
        out.println("  erp-accounts:  accounts.name → name, email_address → email                (both ways, hubWins)");
        out.println("  (change tracking was installed on both tables: a change column, triggers, a deletion table)");

        step(3, "First sync: each side's people reach the other", "POST /v1/links/{l}/runs");
        syncAll();
        showBoth();
        expectSamePeople(3, List.of("Ada Lovelace", "Alan Turing", "Barbara Liskov", "Edsger Dijkstra", "Grace Hopper"));

        step(4, "Both applications change", "");
        sql(crmUrl, "UPDATE customers SET phone = '+44 20 7946 0001' WHERE full_name = 'Ada Lovelace'");
        sql(crmUrl, "INSERT INTO customers (full_name, email, phone) VALUES ('Linus Torvalds', 'linus@example.org', NULL)");
        sql(erpUrl, "UPDATE accounts SET email_address = 'grace@navy.example' WHERE name = 'Grace Hopper'");
        sql(erpUrl, "DELETE FROM accounts WHERE name = 'Edsger Dijkstra'");
        out.println("  CRM: Ada's phone changes; Linus is added");
        out.println("  ERP: Grace's email changes; Edsger is removed");
        syncAll();
        showBoth();
        expectSamePeople(4, List.of("Ada Lovelace", "Alan Turing", "Barbara Liskov", "Grace Hopper", "Linus Torvalds"));
        expect(4, "Grace's new email reached the CRM",
                value(crmUrl, "SELECT email FROM customers WHERE full_name = 'Grace Hopper'").equals("grace@navy.example"));
        expect(4, "Linus's email reached the ERP",
                value(erpUrl, "SELECT email_address FROM accounts WHERE name = 'Linus Torvalds'").equals("linus@example.org"));

        step(5, "A conflict: both rename Alan before the hub hears of either", "");
        sql(crmUrl, "UPDATE customers SET full_name = 'Alan M. Turing' WHERE full_name = 'Alan Turing'");
        sql(erpUrl, "UPDATE accounts SET name = 'A. Turing' WHERE name = 'Alan Turing'");
        out.println("  CRM says 'Alan M. Turing', ERP says 'A. Turing'");
        runLink("crm-customers");
        runLink("erp-accounts");
        JsonNode decisions = call("GET", "/v1/conflicts?state=resolved", null).get("items");
        for (JsonNode decision : decisions) {
            out.println("  decision: link " + decision.get("link").asText() + ", policy " + decision.get("policy").asText()
                    + " → " + decision.get("decision").asText() + " wins (" + decision.get("detail").asText() + ")");
            out.println("            hub side " + decision.path("hub").path("name") + ", endpoint side "
                    + decision.path("endpoint").path("name"));
        }
        showBoth();
        expect(5, "the policy decided the conflict", decisions.size() == 1);
        expectSamePeople(5, List.of("Ada Lovelace", "Alan M. Turing", "Barbara Liskov", "Grace Hopper", "Linus Torvalds"));
        out.println();
        out.println("  And one left for a person: both change Barbara's email; the CRM link's policy is manual");
        sql(erpUrl, "UPDATE accounts SET email_address = 'barbara@erp.example' WHERE name = 'Barbara Liskov'");
        sql(crmUrl, "UPDATE customers SET email = 'barbara@crm.example' WHERE full_name = 'Barbara Liskov'");
        runLink("erp-accounts");
        runLink("crm-customers");
        JsonNode parked = call("GET", "/v1/conflicts", null).get("items");
        for (JsonNode conflict : parked) {
            out.println("  parked: link " + conflict.get("link").asText() + ", hub side "
                    + conflict.path("hub").path("email") + ", CRM side " + conflict.path("endpoint").path("email"));
        }
        out.println("  It waits for you in the console (its address is printed at the end): keep either side there.");
        expect(5, "a conflict is parked for a person", parked.size() == 1);

        step(6, "The hub's collection, as a client sees it over the change feed",
                "GET /v1/collections/customers/records");
        JsonNode page = call("GET", "/v1/collections/customers/records?maxResults=2500", null);
        for (JsonNode item : page.get("items")) {
            out.printf("    %-38s %s%n", item.get("id").asText(), item.get("data"));
        }
        out.println("  nextSyncToken …" + tail(page.get("nextSyncToken").asText()) + "  (a client stores it for its next sync)");
        expect(6, "the feed holds the five people", page.get("items").size() == 5);

        step(7, "Continuous links: a change crosses with no command run",
                "PUT /v1/links/{l} with \"mode\": \"continuous\"");
        call("PUT", "/v1/links/crm-customers", CRM_LINK.replace("}}", "},\"mode\":\"continuous\"}"));
        call("PUT", "/v1/links/erp-accounts", ERP_LINK.replace("}}", "},\"mode\":\"continuous\"}"));
        awaitLive("crm-customers");
        awaitLive("erp-accounts");
        out.println("  both links are live: the hub watches both databases and its own commits");
        sql(crmUrl, "UPDATE customers SET email = 'ada@analytical.example' WHERE full_name = 'Ada Lovelace'");
        long changed = System.nanoTime();
        out.println("  CRM: Ada's email changes (a plain UPDATE; no sync command)");
        String arrived = null;
        while (System.nanoTime() - changed < 20_000_000_000L
                && !"ada@analytical.example".equals(arrived = value(erpUrl, "SELECT email_address FROM accounts WHERE name = 'Ada Lovelace'"))) {
            Thread.sleep(10);
        }
        out.printf("  ERP: Ada's email is %s, %d ms later%n", arrived, (System.nanoTime() - changed) / 1_000_000);
        expect(7, "Ada's new email reached the ERP by itself", "ada@analytical.example".equals(arrived));

        title("The hub keeps running");
        out.println("  Both links are continuous: change a table and the other follows within a second or so:");
        out.println("    sqlite3 " + dataDir.resolve("crm.db") + " \"UPDATE customers SET email = 'ada@example.net' WHERE id = 1\"");
        out.println("    sqlite3 " + dataDir.resolve("erp.db") + " \"SELECT name, email_address FROM accounts\"");
        out.println("  Watch the links (state, lag):");
        out.println("    TRIBUTARY_TOKEN=" + token + " ./tributary sync status --every PT2S --url " + baseUrl);
        out.println("  Open the console in a browser and log in with the admin token above:");
        out.println("    " + baseUrl + "/console/");
        out.println("  Docs: docs/sync.md (endpoints, links, policies), docs/api.md (HTTP API), docs/console.md");
        if (exit) {
            out.println("  Every step worked. (--exit given: stopping now)");
            out.flush();
            return 0;
        }
        out.println("  Press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }

    private static final String CRM_LINK = "{\"endpoint\":\"crm\",\"objectClass\":\"customers\",\"collection\":\"customers\","
            + "\"direction\":\"both\",\"conflictPolicy\":\"manual\","
            + "\"fieldMap\":{\"name\":\"full_name\",\"email\":\"email\",\"phone\":\"phone\"}}";
    private static final String ERP_LINK = "{\"endpoint\":\"erp\",\"objectClass\":\"accounts\",\"collection\":\"customers\","
            + "\"direction\":\"both\",\"conflictPolicy\":\"hubWins\","
            + "\"fieldMap\":{\"name\":\"name\",\"email\":\"email_address\"}}";

    /** Waits until a continuous link's session is live (the demo fails after 30 s, saying so). */
    private void awaitLive(String link) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        String status;
        while (!"live".equals(status = call("GET", "/v1/links/" + link, null).path("state").path("status").asText())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("link " + link + " did not go live within 30 s; it is " + status);
            }
            Thread.sleep(20);
        }
    }

    private void createApplications() throws SQLException {
        sql(crmUrl, "CREATE TABLE customers (id INTEGER PRIMARY KEY, full_name TEXT NOT NULL, email TEXT, phone TEXT)");
        sql(crmUrl, "INSERT INTO customers (full_name, email, phone) VALUES ('Ada Lovelace', 'ada@example.org', '+44 20 7946 0000'),"
                + " ('Alan Turing', 'alan@example.org', NULL), ('Edsger Dijkstra', 'edsger@example.org', NULL)");
        sql(erpUrl, "CREATE TABLE accounts (account_no INTEGER PRIMARY KEY, name TEXT NOT NULL, email_address TEXT,"
                + " credit_limit INTEGER NOT NULL DEFAULT 1000)");
        sql(erpUrl, "INSERT INTO accounts (account_no, name, email_address, credit_limit) VALUES"
                + " (5001, 'Grace Hopper', 'grace@example.org', 5000), (5002, 'Barbara Liskov', 'barbara@example.org', 2500)");
    }

    private void syncAll() throws Exception {
        // CRM first, then ERP, then CRM again so each side also receives what the other brought.
        runLink("crm-customers");
        runLink("erp-accounts");
        runLink("crm-customers");
    }

    private void runLink(String link) throws Exception {
        String id = call("POST", "/v1/links/" + link + "/runs", null).get("id").asText();
        JsonNode run;
        do {
            Thread.sleep(50);
            run = call("GET", "/v1/runs/" + id, null);
        } while (List.of("queued", "running").contains(run.get("state").asText()));
        JsonNode in = run.path("stats").path("inbound");
        JsonNode outbound = run.path("stats").path("outbound");
        out.printf("  run %-14s %-9s in: +%d ~%d -%d   out: +%d ~%d -%d   conflicts: %d%s%n", link,
                run.get("state").asText(), in.path("created").asLong(), in.path("updated").asLong(),
                in.path("deleted").asLong(), outbound.path("created").asLong(), outbound.path("updated").asLong(),
                outbound.path("deleted").asLong(), in.path("conflicts").asLong() + outbound.path("conflicts").asLong(),
                run.hasNonNull("error") ? "  " + run.get("error").asText() : "");
        if (!run.get("state").asText().equals("succeeded")) {
            throw new IllegalStateException("run of " + link + " " + run.get("state").asText() + ": " + run.path("error").asText());
        }
    }

    /** Both applications hold exactly these people, or the demo failed (and says where). */
    private void expectSamePeople(int step, List<String> people) throws SQLException {
        List<String> crm = column(crmUrl, "SELECT full_name FROM customers ORDER BY full_name");
        List<String> erp = column(erpUrl, "SELECT name FROM accounts ORDER BY name");
        expect(step, "the CRM holds " + people + " (it holds " + crm + ")", crm.equals(people));
        expect(step, "the ERP holds " + people + " (it holds " + erp + ")", erp.equals(people));
    }

    private static void expect(int step, String what, boolean held) {
        if (!held) {
            throw new IllegalStateException("the demo failed at step " + step + ": expected " + what);
        }
    }

    private static String value(String url, String query) throws SQLException {
        List<String> values = column(url, query);
        return values.isEmpty() || values.get(0) == null ? "" : values.get(0);
    }

    private static List<String> column(String url, String query) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(query)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }

    private void showBoth() throws SQLException {
        out.println("  CRM customers:");
        show(crmUrl, "SELECT id, full_name, email, phone FROM customers ORDER BY id");
        out.println("  ERP accounts:");
        show(erpUrl, "SELECT account_no, name, email_address, credit_limit FROM accounts ORDER BY account_no");
    }

    private void show(String url, String query) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(query)) {
            ResultSetMetaData meta = rows.getMetaData();
            while (rows.next()) {
                List<String> cells = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    cells.add(String.format(i == 1 ? "%-5s" : i == 2 ? "%-18s" : "%-22s", rows.getString(i)));
                }
                out.println("    " + String.join(" ", cells).stripTrailing());
            }
        }
    }

    private static void sql(String url, String statement) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement()) {
            sql.execute(statement);
        }
    }

    private HubServer startHub(Store store) {
        ServerConfig config = ServerConfig.defaults().withPort(port);
        try {
            return new HubServer(store, config).start();
        } catch (RuntimeException e) {
            if (port == 0 || !Errors.isBindFailure(e)) {
                store.close();
                throw e;
            }
            HubServer hub = new HubServer(store, config.withPort(0)).start();
            out.println("(port " + port + " is taken, so the demo's hub listens on " + hub.localUrl()
                    + " instead; choose a port with --port)");
            return hub;
        }
    }

    private void freshDataDir() throws IOException {
        if (Files.isDirectory(dataDir)) {
            try (var entries = Files.list(dataDir)) {
                List<Path> foreign = entries.filter(p -> OWN_FILES.stream().noneMatch(own ->
                        p.getFileName().toString().equals(own) || p.getFileName().toString().startsWith(own + "-"))).toList();
                if (!foreign.isEmpty()) {
                    throw new IllegalStateException(dataDir + " holds files that are not the demo's ("
                            + foreign.get(0).getFileName() + "); choose another --data-dir");
                }
            }
            try (var entries = Files.list(dataDir)) {
                for (Path file : entries.toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(dataDir);
    }

    private JsonNode call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " failed: " + response.statusCode() + " " + response.body());
        }
        return response.body().isEmpty() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(response.body());
    }

    private void title(String text) {
        out.println();
        out.println("== " + text + " ==");
    }

    private void step(int number, String what, String how) {
        out.println();
        out.println(number + ". " + what + (how.isEmpty() ? "" : "   [" + how + "]"));
    }

    private static String tail(String token) {
        return token.length() <= 20 ? token : token.substring(token.length() - 20);
    }
}
