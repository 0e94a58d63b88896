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
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tributary demo}: starts a hub on a fresh embedded store and shows, through the HTTP API,
 * a full sync over several pages, changes, an incremental sync that picks them up, and a filtered
 * sync; then leaves the hub running for the user to explore.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start a hub on a fresh store and show a sync over its HTTP API.",
            "",
            "A full sync in pages, then changes, then an incremental sync with the",
            "stored token, then a filtered sync. The hub keeps running afterwards so",
            "you can try the API yourself (Ctrl-C to stop)."})
final class DemoCommand implements Callable<Integer> {

    private static final Set<String> STORE_FILES = Set.of(StoreConfig.SQLITE_FILE,
            StoreConfig.SQLITE_FILE + "-wal", StoreConfig.SQLITE_FILE + "-shm");

    @Option(names = "--data-dir", paramLabel = "<dir>", defaultValue = "tributary-demo-data",
            description = "Directory for the demo's store; emptied first (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--port", paramLabel = "<port>", defaultValue = "8080",
            description = "Port to listen on; if it is taken a free one is used (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--exit", description = "Stop after the demonstration instead of keeping the hub running.")
    boolean exit;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private PrintWriter out;
    private final HttpClient http = HttpClient.newHttpClient();
    private String baseUrl;
    private String token;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        freshDataDir();
        Store store = Store.open(StoreConfig.sqlite(dataDir), Clock.systemUTC());
        HubServer hub = startHub(store);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hub.close();
            store.close();
            stopped.countDown();
        }, "tributary-demo-shutdown"));
        baseUrl = hub.baseUrl();
        token = store.accessTokens().create("demo admin", List.of("admin")).secret();

        title("Tributary demo");
        out.println("  hub:   " + baseUrl + "   (embedded SQLite store in " + dataDir.toAbsolutePath() + ")");
        out.println("  token: " + token + "   (scope admin)");

        step(1, "Create a collection", "PUT /v1/collections/tasks");
        call("PUT", "/v1/collections/tasks", "{\"retentionDays\": 30}");
        out.println("  created collection 'tasks' (tombstones kept 30 days)");

        step(2, "Write 12 tasks in one atomic batch", "POST /v1/collections/tasks/batch");
        List<String> writes = new ArrayList<>();
        String[] owners = {"ada", "grace", "linus"};
        for (int i = 1; i <= 12; i++) {
            writes.add("{\"op\":\"put\",\"id\":\"task-" + i + "\",\"data\":{\"title\":\"Task " + i
                    + "\",\"owner\":\"" + owners[i % 3] + "\",\"done\":" + (i % 4 == 0) + "}}");
        }
        JsonNode batch = call("POST", "/v1/collections/tasks/batch", "{\"writes\":[" + String.join(",", writes) + "]}");
        out.println("  " + batch.get("results").size() + " records created");

        step(3, "Full sync, 5 records per page", "GET /v1/collections/tasks/records?maxResults=5");
        String syncToken = pageThrough("maxResults=5", false);

        step(4, "Meanwhile, things change", "PUT with If-Match, DELETE, POST");
        JsonNode task3 = call("GET", "/v1/collections/tasks/records/task-3", null);
        call("PUT", "/v1/collections/tasks/records/task-3", "{\"data\":{\"title\":\"Task 3\",\"owner\":\"ada\",\"done\":true}}",
                "If-Match", "\"" + task3.get("etag").asText() + "\"");
        out.println("  ~ task-3 marked done (If-Match \"" + task3.get("etag").asText() + "\")");
        call("DELETE", "/v1/collections/tasks/records/task-7", null);
        out.println("  - task-7 deleted");
        JsonNode created = call("POST", "/v1/collections/tasks/records",
                "{\"data\":{\"title\":\"Write the release notes\",\"owner\":\"grace\",\"done\":false}}");
        out.println("  + " + created.get("id").asText() + " created with a server-assigned id");
        HttpResponse<String> stale = send("PUT", "/v1/collections/tasks/records/task-3",
                "{\"data\":{\"title\":\"stale edit\"}}", "If-Match", "\"" + task3.get("etag").asText() + "\"");
        out.println("  ! a stale edit of task-3 is refused: " + stale.statusCode() + " "
                + Json.MAPPER.readTree(stale.body()).at("/error/reason").asText());

        step(5, "Incremental sync with the stored token", "GET /v1/collections/tasks/records?syncToken=…");
        String next = pageThrough("syncToken=" + encode(syncToken), true);

        step(6, "Nothing new since then", "GET …?syncToken=<the new token>");
        JsonNode none = call("GET", "/v1/collections/tasks/records?syncToken=" + encode(next), null);
        out.println("  " + none.get("items").size() + " changes");

        step(7, "A filtered sync", "GET …?filter=owner eq 'ada' and done eq false");
        pageThrough("filter=" + encode("owner eq 'ada' and done eq false"), false);

        title("The hub is running");
        out.println("  Try it yourself:");
        out.println("    curl -s -H 'Authorization: Bearer " + token + "' '" + baseUrl + "/v1/collections/tasks/records?maxResults=3'");
        out.println("    curl -s -H 'Authorization: Bearer " + token + "' '" + baseUrl
                + "/v1/collections/tasks/records?syncToken=" + encode(next) + "'");
        out.println("  API reference: docs/api.md");
        if (exit) {
            out.println("  (--exit given: stopping now)");
            out.flush();
            return 0;
        }
        out.println("  Press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }

    private HubServer startHub(Store store) {
        ServerConfig config = ServerConfig.defaults().withPort(port);
        try {
            return new HubServer(store, config).start();
        } catch (RuntimeException e) {
            if (port == 0 || !(Errors.describe(e).contains("already in use") || causedByBind(e))) {
                store.close();
                throw e;
            }
            out.println("(port " + port + " is taken; using a free port instead)");
            return new HubServer(store, config.withPort(0)).start();
        }
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    private void freshDataDir() throws IOException {
        if (Files.isDirectory(dataDir)) {
            try (var entries = Files.list(dataDir)) {
                List<Path> foreign = entries.filter(p -> !STORE_FILES.contains(p.getFileName().toString())).toList();
                if (!foreign.isEmpty()) {
                    throw new IllegalStateException(dataDir + " holds files that are not a Tributary demo store ("
                            + foreign.get(0).getFileName() + "); choose another --data-dir");
                }
            }
            for (String name : STORE_FILES) {
                Files.deleteIfExists(dataDir.resolve(name));
            }
        }
        Files.createDirectories(dataDir);
    }

    /** Pages through one sync, printing each page and item; returns the nextSyncToken. */
    private String pageThrough(String query, boolean showKinds) throws Exception {
        String pageToken = null;
        int page = 0;
        while (true) {
            JsonNode answer = call("GET", "/v1/collections/tasks/records?" + query
                    + (pageToken == null ? "" : "&pageToken=" + encode(pageToken)), null);
            page++;
            JsonNode items = answer.get("items");
            out.printf("  page %d: %d item%s%n", page, items.size(), items.size() == 1 ? "" : "s");
            for (JsonNode item : items) {
                String id = item.get("id").asText();
                if (item.get("deleted").asBoolean()) {
                    out.printf("      - %-38s deleted%n", id);
                } else {
                    String mark = !showKinds ? "·" : item.get("etag").asText().equals("1") ? "+" : "~";
                    out.printf("      %s %-38s etag %-3s %s%n", mark, id,
                            item.get("etag").asText(), item.get("data"));
                }
            }
            if (answer.has("nextSyncToken")) {
                String syncToken = answer.get("nextSyncToken").asText();
                out.println("  last page: nextSyncToken " + abbreviate(syncToken) + "  <- the client stores this");
                return syncToken;
            }
            pageToken = answer.get("nextPageToken").asText();
            out.println("           nextPageToken " + abbreviate(pageToken));
        }
    }

    private JsonNode call(String method, String path, String body, String... headers) throws Exception {
        HttpResponse<String> response = send(method, path, body, headers);
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " failed: " + response.statusCode() + " " + response.body());
        }
        return response.body().isEmpty() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(response.body());
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void title(String text) {
        out.println();
        out.println("== " + text + " ==");
    }

    private void step(int number, String what, String how) {
        out.println();
        out.println(number + ". " + what + "   [" + how + "]");
    }

    private static String abbreviate(String token) {
        return token.length() <= 24 ? token : "…" + token.substring(token.length() - 20);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
