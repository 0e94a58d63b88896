package dev.tributary.connectors.esa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.connector.ConnectorException;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.SyncDelta;
import dev.tributary.connector.SyncToken;
import dev.tributary.connector.SyncTokenResultsHandler;
import dev.tributary.connector.Uid;
import dev.tributary.connector.VersionConflictException;
import dev.tributary.connector.VersionedUid;
import dev.tributary.esa.kit.EsaServer;
import dev.tributary.esa.kit.ExternalSystemAdapter;
import dev.tributary.esa.reference.FaultySqliteEsa;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EsaConnectorTest {

    private static final ObjectClass PEOPLE = new ObjectClass("people");

    @TempDir
    Path dir;

    private FaultySqliteEsa esa;
    private EsaServer server;
    private final List<EsaConnector> opened = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        esa = new FaultySqliteEsa(dir.resolve("x.db"), Map.of("people", "name TEXT, seen DATETIME"));
        server = EsaServer.start(esa, 0, EsaServer.Options.defaults().withPaging(10, 7));
    }

    @AfterEach
    void stop() throws Exception {
        opened.forEach(EsaConnector::dispose);
        server.close();
        esa.close();
    }

    private EsaConnector connector(Map<String, Object> extra) {
        EsaConnector connector = new EsaConnector();
        Map<String, Object> settings = new LinkedHashMap<>(Map.of("url", server.uri().toString(),
                "delayedPollInterval", "PT0.01S"));
        settings.putAll(extra);
        connector.init(connector.configDef().validate(settings));
        opened.add(connector);
        return connector;
    }

    private static final class Collect implements SyncTokenResultsHandler {
        final List<SyncDelta> deltas = new ArrayList<>();
        SyncToken last;

        @Override
        public boolean handle(SyncDelta delta) {
            deltas.add(delta);
            return true;
        }

        @Override
        public void handleResult(SyncToken finalToken) {
            last = finalToken;
        }
    }

    private static Collect sync(EsaConnector connector, SyncToken token) {
        Collect collect = new Collect();
        connector.sync(PEOPLE, token, collect, OperationOptions.DEFAULTS);
        return collect;
    }

    @Test
    void theSessionStartsWithStartSyncAndEndsWithEndSyncEvenAfterAFailure() {
        EsaConnector connector = connector(Map.of());
        assertThatThrownBy(() -> connector.get(new ObjectClass("nope"), new Uid("1"), OperationOptions.DEFAULTS))
                .isInstanceOf(UnsupportedOperationException.class);
        connector.dispose();
        List<String> calls = esa.calls();
        assertThat(calls.get(0)).isEqualTo("startSync");
        assertThat(calls.get(calls.size() - 1)).isEqualTo("endSync");
    }

    @Test
    void anotherProtocolVersionIsRefusedClearly() throws Exception {
        ExternalSystemAdapter future = versionTwo();
        try (EsaServer other = EsaServer.start(future, 0, EsaServer.Options.defaults())) {
            EsaConnector connector = new EsaConnector();
            connector.init(connector.configDef().validate(Map.of("url", other.uri().toString())));
            assertThatThrownBy(connector::test).isInstanceOf(ConnectorException.class).hasMessageContaining("'2.0'")
                    .hasMessageContaining("1.0");
            connector.dispose();
        }
    }

    private ExternalSystemAdapter versionTwo() throws Exception {
        FaultySqliteEsa inner = new FaultySqliteEsa(dir.resolve("v2.db"), Map.of("people", "name TEXT"));
        return (ExternalSystemAdapter) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ExternalSystemAdapter.class}, (proxy, method, args) -> method.getName().equals("startSync")
                        ? "2.0" : method.invoke(inner, args));
    }

    @Test
    void tokensAndVersionsAreTheAdaptersOwnStampsAndDateFieldsAreAsGiven() {
        esa.clockOffset(Duration.ofHours(3));
        String id = esa.put("people", null, Map.of("name", "Ada", "seen", "2024-01-01T00:00:00Z"));
        EsaConnector connector = connector(Map.of());

        Collect first = sync(connector, null);
        assertThat(first.deltas).hasSize(1);
        String stamp = dev.tributary.esa.EsaTime.format(esa.all("people").get(id).modifiedAt());
        assertThat(first.deltas.get(0).object().version()).as("the version is the adapter's stamp").isEqualTo(stamp);
        assertThat(first.last.value()).as("the token is the newest stamp").isEqualTo(stamp);
        assertThat(first.deltas.get(0).object().fields().get("seen")).as("data is as given")
                .isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));

        // after: the token finds exactly the newer change
        esa.put("people", null, Map.of("name", "Grace"));
        Collect second = sync(connector, first.last);
        assertThat(second.deltas).extracting(d -> d.object().fields().get("name")).containsExactly("Grace");

        // last-seen: the version goes back as the adapter's own stamp, so the write is not stale
        VersionedUid updated = connector.update(PEOPLE, new Uid(id), stamp, Map.of("name", "Ada L."),
                OperationOptions.DEFAULTS);
        assertThat(updated.version()).isEqualTo(dev.tributary.esa.EsaTime.format(esa.all("people").get(id).modifiedAt()));
        assertThat(esa.all("people").get(id).value("name")).isEqualTo("Ada L.");
    }

    /**
     * The adapter's clock moves across a half second between two sessions (+0.6 s, then -0.6 s):
     * tokens and versions are the adapter's own stamps, so no edit is lost, a record read in both
     * sessions carries the same version, and writing with the first session's version is no
     * conflict.
     */
    @Test
    void subSecondClockDriftBetweenSessionsLosesNoEditAndKeepsVersions() {
        for (Duration drift : List.of(Duration.ofMillis(600), Duration.ofMillis(-600))) {
            esa.clockOffset(Duration.ZERO);
            String id = esa.put("people", null, Map.of("name", "Ada " + drift));
            EsaConnector first = connector(Map.of());
            Collect one = sync(first, null);
            String version = first.get(PEOPLE, new Uid(id), OperationOptions.DEFAULTS).orElseThrow().version();
            assertThat(one.deltas).extracting(d -> d.object().uid().value()).contains(id);
            first.dispose();

            esa.clockOffset(drift);
            String edited = esa.put("people", null, Map.of("name", "edited just after, " + drift));
            EsaConnector second = connector(Map.of());
            Collect two = sync(second, one.last);
            assertThat(two.deltas).as("drift %s: the edit made after the first session", drift)
                    .extracting(d -> d.object().uid().value()).containsExactly(edited);
            assertThat(second.get(PEOPLE, new Uid(id), OperationOptions.DEFAULTS).orElseThrow().version())
                    .as("drift %s: a record read in both sessions", drift).isEqualTo(version);
            VersionedUid updated = second.update(PEOPLE, new Uid(id), version, Map.of("name", "updated " + drift),
                    OperationOptions.DEFAULTS);
            assertThat(updated.version()).isEqualTo(dev.tributary.esa.EsaTime.format(esa.all("people").get(id).modifiedAt()));
            second.dispose();
        }
    }

    /** Stamps that lag the clock the adapter reports: the next token still follows the stamps. */
    @Test
    void stampsLaggingTheReportedClockLoseNoEdit() {
        esa.stampLag(Duration.ofSeconds(3));
        esa.put("people", null, Map.of("name", "Ada"));
        EsaConnector connector = connector(Map.of());
        Collect first = sync(connector, null);
        assertThat(first.deltas).hasSize(1);
        String edited = esa.put("people", null, Map.of("name", "just after the run"));
        Collect second = sync(connector, first.last);
        assertThat(second.deltas).extracting(d -> d.object().uid().value()).containsExactly(edited);
        assertThat(Instant.parse(second.last.value().toString()))
                .as("the token is the newest change's stamp").isEqualTo(esa.all("people").get(edited).modifiedAt());
        // and without changes the token stays where it is
        assertThat(sync(connector, second.last).last).isEqualTo(second.last);
    }

    @Test
    void aStaleLastSeenIsAVersionConflictAndChangesNothing() {
        String id = esa.put("people", null, Map.of("name", "Ada"));
        EsaConnector connector = connector(Map.of());
        String version = connector.get(PEOPLE, new Uid(id), OperationOptions.DEFAULTS).orElseThrow().version();
        esa.put("people", id, Map.of("name", "changed outside"));
        assertThatThrownBy(() -> connector.update(PEOPLE, new Uid(id), version, Map.of("name", "lost"),
                OperationOptions.DEFAULTS)).isInstanceOf(VersionConflictException.class);
        assertThatThrownBy(() -> connector.delete(PEOPLE, new Uid(id), version, OperationOptions.DEFAULTS))
                .isInstanceOf(VersionConflictException.class);
        assertThat(esa.all("people").get(id).value("name")).isEqualTo("changed outside");
    }

    @Test
    void delayedWritesArePolledUntilTheyComplete() {
        esa.delayedWrites(true);
        EsaConnector connector = connector(Map.of());
        VersionedUid created = connector.create(PEOPLE, Map.of("name", "Later"), OperationOptions.DEFAULTS);
        assertThat(esa.all("people").get(created.uid().value()).value("name")).isEqualTo("Later");
        VersionedUid updated = connector.update(PEOPLE, created.uid(), created.version(), Map.of("name", "Later still"),
                OperationOptions.DEFAULTS);
        assertThat(updated.version()).isNotNull();
        connector.delete(PEOPLE, created.uid(), updated.version(), OperationOptions.DEFAULTS);
        assertThat(esa.all("people")).isEmpty();
        assertThat(esa.delayedPolls()).isEqualTo(6);
    }

    @Test
    void theHubOpensOneSessionPerAdapterAtATime() throws Exception {
        EsaConnector first = connector(Map.of());
        first.get(PEOPLE, new Uid("1"), OperationOptions.DEFAULTS);
        EsaConnector second = connector(Map.of());
        var waiting = java.util.concurrent.CompletableFuture.runAsync(
                () -> second.get(PEOPLE, new Uid("1"), OperationOptions.DEFAULTS));
        Thread.sleep(300);
        assertThat(waiting).as("the second session waits for the first to end").isNotDone();
        first.dispose();
        waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
        second.dispose();
        List<String> sessions = esa.calls().stream().filter(c -> c.equals("startSync") || c.equals("endSync")).toList();
        assertThat(sessions).containsExactly("startSync", "endSync", "startSync", "endSync");

        // One that cannot wait that long is told why.
        EsaConnector holder = connector(Map.of());
        holder.get(PEOPLE, new Uid("1"), OperationOptions.DEFAULTS);
        EsaConnector impatient = connector(Map.of("sessionWait", "PT0.1S"));
        assertThatThrownBy(() -> impatient.get(PEOPLE, new Uid("1"), OperationOptions.DEFAULTS))
                .isInstanceOf(dev.tributary.connector.ConnectorIOException.class)
                .hasMessageContaining("one session per adapter at a time");
        holder.dispose();
        impatient.get(PEOPLE, new Uid("1"), OperationOptions.DEFAULTS);
    }

    /**
     * White space at a value's ends is data (padded codes, a note ending in a line break): what
     * the hub writes is what the adapter stores, and what the adapter holds is what a sync reads —
     * inline and through a cursor's pages.
     */
    @Test
    void valuesKeepTheWhiteSpaceAtTheirEnds() {
        EsaConnector connector = connector(Map.of());
        List<String> names = List.of("  padded  ", "\tx", "y\r\n", " ", "\u3000z\u2003", "]]> ", "plain");
        List<String> ids = new ArrayList<>();
        for (String name : names) {
            ids.add(connector.create(PEOPLE, Map.of("name", name), OperationOptions.DEFAULTS).uid().value());
        }
        for (int i = 0; i < names.size(); i++) {
            assertThat(esa.all("people").get(ids.get(i)).value("name")).isEqualTo(names.get(i));
        }
        List<String> inline = sync(connector, null).deltas.stream().map(d -> (String) d.object().fields().get("name")).toList();
        assertThat(inline).containsExactlyInAnyOrderElementsOf(names);
        for (int i = 0; i < 10; i++) {
            esa.put("people", null, Map.of("name", " more " + i + " "));
        }
        // 17 records: more than the server answers inline (10), so they come in pages of 7.
        List<String> paged = sync(connector, null).deltas.stream().map(d -> (String) d.object().fields().get("name")).toList();
        assertThat(paged).hasSize(names.size() + 10).containsAll(names).contains(" more 0 ", " more 9 ");
    }

    @Test
    void largeChangeSetsArePagedAndEveryCursorIsClosed() {
        for (int i = 0; i < 55; i++) {
            esa.put("people", null, Map.of("name", "p" + i));
        }
        for (int i = 1; i <= 12; i++) {
            esa.remove("people", Integer.toString(i));
        }
        Collect all = sync(connector(Map.of()), null);
        assertThat(all.deltas).hasSize(55);
        assertThat(all.deltas.stream().filter(d -> d.object() == null)).hasSize(12);
        assertThat(esa.calls()).contains("getModified", "getDeleted");
        assertThat(server.openCursors()).isZero();
    }

    /**
     * The kit's cursor pages come oldest first (order="oldest-first"): the hub hands records on as
     * their pages arrive — merged in time with the deletions — instead of holding them all to sort
     * them; the deltas and their tokens are the same as the held way's.
     */
    @Test
    void pagesPromisedOldestFirstAreHandedOnAsTheyArriveMergedWithTheDeletions() throws Exception {
        for (int i = 0; i < 70; i++) {
            esa.put("people", null, Map.of("name", "p" + i));
            if (i % 10 == 5) {
                esa.remove("people", Integer.toString(i - 2)); // a deletion between records
            }
        }
        EsaConnector connector = connector(Map.of());
        Collect all = sync(connector, null);
        List<SyncDelta> deltas = all.deltas;
        assertThat(deltas).hasSize(70);
        assertThat(deltas.stream().filter(d -> d.object() == null)).hasSize(7);
        List<String> tokens = deltas.stream().map(d -> (String) d.token().value()).toList();
        assertThat(tokens).as("time order").isSorted();
        // Record 3 was deleted after record 6 was written and before record 7: so it comes.
        List<String> order = deltas.stream().map(d -> (d.object() == null ? "-" : "") + d.uid().value()).toList();
        assertThat(order.subList(0, 7)).containsExactly("1", "2", "4", "5", "6", "-3", "7");
        assertThat(all.last.value()).isEqualTo(tokens.get(tokens.size() - 1));

        // Stopped at the first delta: only the pages asked for by then were read (7 records a page).
        int before = server.pagesRead();
        connector.sync(PEOPLE, null, delta -> false, OperationOptions.DEFAULTS);
        assertThat(server.pagesRead() - before).as("pages read of 9").isLessThanOrEqualTo(3);
        assertThat(server.openCursors()).isZero();
    }

    /** Pages asked for ahead come back in the adapter's order, whatever the number in flight. */
    @Test
    void pagesReadAheadKeepTheAdaptersOrder() {
        for (int i = 0; i < 100; i++) {
            esa.put("people", null, Map.of("name", "p" + i));
        }
        List<String> expected = null;
        for (int ahead : List.of(0, 1, 4)) {
            List<String> names = new ArrayList<>();
            EsaConnector connector = connector(Map.of("pagesAhead", ahead));
            connector.search(PEOPLE, object -> names.add((String) object.fields().get("name")),
                    OperationOptions.DEFAULTS.withPageSize(1000));
            connector.dispose(); // one session per adapter at a time
            assertThat(names).as("pagesAhead " + ahead).hasSize(100).doesNotHaveDuplicates();
            if (expected == null) {
                expected = names;
            }
            assertThat(names).as("pagesAhead " + ahead).containsExactlyElementsOf(expected);
            assertThat(server.openCursors()).isZero();
        }
        assertThatThrownBy(() -> connector(Map.of("pagesAhead", 5))).hasMessageContaining("pagesAhead");
    }

    /** A page asked for ahead that fails fails the read as that call would have, and the cursor is still closed. */
    @Test
    void aFailedPageAskedForAheadFailsTheReadAndClosesTheCursor() throws Exception {
        for (int i = 0; i < 100; i++) {
            esa.put("people", null, Map.of("name", "p" + i));
        }
        com.sun.net.httpserver.HttpServer proxy = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        proxy.createContext("/", exchange -> {
            byte[] call = exchange.getRequestBody().readAllBytes();
            if (new String(call, java.nio.charset.StandardCharsets.UTF_8).contains("<page-index>5</page-index>")) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            try {
                java.net.http.HttpResponse<byte[]> answer = http.send(java.net.http.HttpRequest.newBuilder(server.uri())
                        .header("Content-Type", "application/xml").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(call))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                exchange.sendResponseHeaders(answer.statusCode(), answer.body().length);
                exchange.getResponseBody().write(answer.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        proxy.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        proxy.start();
        try {
            EsaConnector connector = connector(Map.of("url", "http://127.0.0.1:" + proxy.getAddress().getPort() + "/esa",
                    "pagesAhead", 2));
            List<String> names = new ArrayList<>();
            assertThatThrownBy(() -> connector.search(PEOPLE, object -> names.add((String) object.fields().get("name")),
                    OperationOptions.DEFAULTS.withPageSize(1000)))
                    .isInstanceOf(dev.tributary.connector.ConnectorIOException.class).hasMessageContaining("HTTP 503")
                    .hasMessageContaining("readDataPage");
            assertThat(server.openCursors()).as("closed after the failure").isZero();
        } finally {
            proxy.stop(0);
        }
    }

    @Test
    void needSyncAgainLeaseSessionAndCountRangeReachTheAdapter() throws Exception {
        esa.syncAgain(1);
        EsaConnector connector = connector(Map.of("leaseEvery", "PT0.2S"));
        assertThat(connector.needSyncAgain(PEOPLE)).isTrue();
        assertThat(connector.needSyncAgain(PEOPLE)).isFalse();
        Thread.sleep(700);
        assertThat(esa.calls()).contains("leaseSession");
        for (int i = 0; i < 5; i++) {
            esa.put("people", null, Map.of("name", "p" + i));
        }
        esa.remove("people", "2");
        assertThat(connector.countRange(PEOPLE, 1, 6)).isEqualTo(4);
        assertThat(esa.countRangeCalls()).isEqualTo(1);
    }
}
