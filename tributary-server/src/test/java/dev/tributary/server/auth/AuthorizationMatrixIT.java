package dev.tributary.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connectors.memory.MemoryBackend;
import dev.tributary.server.TestHub;
import dev.tributary.server.TestHub.Answer;
import dev.tributary.store.StoreBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The route table of docs/security.md is the truth: it names exactly the routes the hub serves,
 * and each route, called with every kind of token — none, revoked, read or write of the
 * collection, read or write of another, trigger of the endpoint, admin — answers 401 or 403 to
 * exactly the kinds the table does not allow.
 */
class AuthorizationMatrixIT {

    private static final Path TABLE = Path.of("..", "docs", "security.md");

    private final TestHub hub = new TestHub(StoreBackend.sqlite());
    private final String backendName = "matrix-" + UUID.randomUUID();

    /** One row of the table. */
    record Row(String method, String route, String who, String example) {
    }

    @AfterEach
    void close() {
        hub.close();
        MemoryBackend.drop(backendName);
    }

    static List<Row> table() throws IOException {
        String text = Files.readString(TABLE);
        String block = text.substring(text.indexOf("<!-- routes:begin -->"), text.indexOf("<!-- routes:end -->"));
        List<Row> rows = new ArrayList<>();
        for (String line : block.split("\n")) {
            if (!line.startsWith("| ") || line.startsWith("| Method") || line.startsWith("|---")) {
                continue;
            }
            String[] cells = line.substring(1, line.length() - 1).split(" \\| ");
            rows.add(new Row(cells[0].strip(), cells[1].strip(), cells[2].strip(), cells[3].strip()));
        }
        return rows;
    }

    @Test
    void theTableNamesExactlyTheRoutesTheHubServes() throws IOException {
        Set<String> documented = new TreeSet<>();
        table().forEach(row -> documented.add(row.method() + " " + row.route()));
        assertThat(documented).isEqualTo(new TreeSet<>(hub.server.routes()));
    }

    /** The token kinds, by name, each with its secret (null: no token). */
    private Map<String, String> kinds() {
        Map<String, String> kinds = new LinkedHashMap<>();
        kinds.put("none", null);
        String revoked = hub.store.accessTokens().create("revoked", List.of("admin")).secret();
        hub.store.accessTokens().revoke(hub.store.accessTokens().authenticate(revoked).orElseThrow().id());
        kinds.put("revoked", revoked);
        kinds.put("read:notes", hub.token("read:notes"));
        kinds.put("write:notes", hub.token("write:notes"));
        kinds.put("read:other", hub.token("read:other"));
        kinds.put("write:other", hub.token("write:other"));
        kinds.put("trigger:crm", hub.token("trigger:crm"));
        kinds.put("admin", hub.adminToken);
        return kinds;
    }

    /** Which valid token kinds the "who may" of a row allows; null for a route that takes no bearer token at all. */
    private static Set<String> allowed(Row row) {
        String who = row.who();
        if (who.startsWith("anyone")) {
            return Set.of("none", "revoked", "read:notes", "write:notes", "read:other", "write:other", "trigger:crm", "admin");
        }
        if (who.startsWith("the adapter's helper secret")) {
            return null;
        }
        if (who.startsWith("any token")) {
            return Set.of("read:notes", "write:notes", "read:other", "write:other", "trigger:crm", "admin");
        }
        if (who.equals("admin")) {
            return Set.of("admin");
        }
        if (who.startsWith("read or write")) {
            return Set.of("read:notes", "write:notes", "admin");
        }
        if (who.startsWith("read ")) {
            return Set.of("read:notes", "admin");
        }
        if (who.startsWith("write ")) {
            return Set.of("write:notes", "admin");
        }
        if (who.startsWith("trigger ")) {
            return Set.of("trigger:crm", "admin");
        }
        throw new AssertionError("the table's 'who may' '" + who + "' is not one the matrix knows");
    }

    private static String body(Row row) {
        if (row.route().equals("/esa/helper")) {
            // A well-formed call: the Helper API reads the caller's external system id from it.
            return "<sync><api-call call-id=\"1\"><isKnownID><external-system-id>ext</external-system-id>"
                    + "<structure>people</structure><id>1</id></isKnownID></api-call></sync>";
        }
        if (row.route().endsWith("/upload")) {
            return "{\"changes\": [{\"object\": \"Note\", \"op\": \"create\", \"data\": {\"id\": \"u1\"}}]}";
        }
        if (row.route().startsWith("/sdata/")) {
            return "<digest/>";
        }
        return row.method().equals("GET") || row.method().equals("DELETE") ? null : "{}";
    }

    private void fixtures() {
        assertThat(hub.put("/v1/collections/notes", "{}").status()).isEqualTo(201);
        assertThat(hub.put("/v1/collections/notes/records/n1", "{\"data\":{\"a\":1}}").status()).isEqualTo(201);
        assertThat(hub.put("/v1/collections/notes/records/n2", "{\"data\":{\"a\":2}}").status()).isEqualTo(201);
        MemoryBackend.named(backendName);
        assertThat(hub.put("/v1/endpoints/crm", "{\"connector\":\"memory\",\"config\":{\"backend\":\"" + backendName
                + "\"},\"allowedRunModes\":[\"manual\",\"external\"]}").status()).isEqualTo(201);
        assertThat(hub.put("/v1/links/crm-notes", "{\"endpoint\":\"crm\",\"objectClass\":\"items\",\"collection\":\"notes\"}")
                .status()).isEqualTo(201);
        assertThat(hub.put("/v1/services/Field", "{\"objects\": {\"Note\": {\"collection\": \"notes\", \"primaryKey\": [\"id\"]}}}")
                .status()).isEqualTo(201);
        assertThat(hub.put("/v1/sdata/resources/notes", "{\"collection\":\"notes\"}").status()).isEqualTo(201);
        assertThat(hub.put("/v1/sdata/links/to-x", "{\"resource\":\"notes\",\"direction\":\"out\",\"remote\":{\"url\":"
                + "\"http://127.0.0.1:9/sdata/tributary/records/-/notes\",\"token\":\"t\"}}").status()).isEqualTo(201);
    }

    @Test
    void everyRouteRefusesExactlyTheTokensTheTableDoesNotAllow() throws IOException {
        fixtures();
        Map<String, String> kinds = kinds();
        List<Row> rows = new ArrayList<>(table());
        // Deletions last, so that what the other rows name still exists.
        rows.sort((a, b) -> Boolean.compare(a.method().equals("DELETE"), b.method().equals("DELETE")));
        List<String> wrong = new ArrayList<>();
        for (Row row : rows) {
            Set<String> allowed = allowed(row);
            // Refused kinds first, then the allowed ones (whose requests may change things).
            List<String> order = new ArrayList<>(kinds.keySet());
            order.sort((a, b) -> Boolean.compare(allowed != null && allowed.contains(a), allowed != null && allowed.contains(b)));
            for (String kind : order) {
                Answer answer = hub.send(row.method(), row.example(), body(row), kinds.get(kind), "X-Request-Id", "m-" + kind);
                int status = answer.status();
                boolean ok;
                if (allowed == null) {
                    ok = status == 401;
                } else if (allowed.contains(kind)) {
                    ok = status != 401 && status != 403;
                } else if (kind.equals("none") || kind.equals("revoked")) {
                    ok = status == 401;
                } else {
                    ok = status == 403;
                }
                if (!ok) {
                    wrong.add(row.method() + " " + row.example() + " with " + kind + ": " + status + " "
                            + answer.text().substring(0, Math.min(160, answer.text().length())));
                }
            }
        }
        assertThat(wrong).as("answers that contradict docs/security.md").isEmpty();
    }
}
