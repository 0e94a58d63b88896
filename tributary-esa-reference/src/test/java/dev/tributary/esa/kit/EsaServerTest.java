package dev.tributary.esa.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.esa.EsaClient;
import dev.tributary.esa.EsaCursor;
import dev.tributary.esa.EsaFault;
import dev.tributary.esa.EsaMessage;
import dev.tributary.esa.EsaRecord;
import dev.tributary.esa.EsaTime;
import dev.tributary.esa.XmlNode;
import dev.tributary.esa.reference.FaultySqliteEsa;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kit's server with the reference adapter, called over HTTP the way the hub calls it. */
class EsaServerTest {

    @TempDir
    Path dir;

    private FaultySqliteEsa esa;
    private EsaServer server;
    private EsaClient client;

    @BeforeEach
    void start() throws Exception {
        esa = new FaultySqliteEsa(dir.resolve("external.db"), Map.of("people", "name TEXT, age INTEGER, active BOOLEAN"));
        server = EsaServer.start(esa, 0, EsaServer.Options.defaults().withToken("s3cret").withPaging(5, 4));
        client = new EsaClient(server.uri(), "s3cret", Duration.ofSeconds(10), EsaMessage.DEFAULT_MAX_BYTES);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        esa.close();
    }

    private XmlNode call(String name, XmlNode... args) {
        return client.callEsa(XmlNode.of(name, args));
    }

    @Test
    void smallChangeSetsComeInlineAndLargeOnesThroughACursor() {
        for (int i = 0; i < 3; i++) {
            esa.put("people", null, Map.of("name", "p" + i, "age", 20 + i));
        }
        XmlNode inline = call("getModified", XmlNode.text("structure", "people"));
        assertThat(inline.all("record")).hasSize(3);
        assertThat(EsaRecord.of(inline.all("record").get(0)).value("age")).isEqualTo("20");

        for (int i = 3; i < 11; i++) {
            esa.put("people", null, Map.of("name", "p" + i));
        }
        assertThat(call("getModified", XmlNode.text("structure", "people")).textOf("nullValue")).contains("true");
        EsaCursor cursor = EsaCursor.of(call("getModifiedPaged", XmlNode.text("structure", "people"))
                .child("cursor").orElseThrow());
        assertThat(cursor.pages()).isEqualTo(3);
        assertThat(cursor.records()).isTrue();
        int seen = 0;
        for (int page = 0; page < cursor.pages(); page++) {
            seen += call("readDataPage", XmlNode.text("cursor-id", cursor.id()), XmlNode.text("page-index",
                    Integer.toString(page))).all("record").size();
        }
        assertThat(seen).isEqualTo(11);
        assertThat(server.openCursors()).isEqualTo(1);
        call("closeCursor", XmlNode.text("cursor-id", cursor.id()));
        assertThat(server.openCursors()).isZero();
    }

    /**
     * A cursor's records come oldest first and say so (order="oldest-first", which lets the hub
     * hand them on page by page): an adapter's list out of that order is sorted by the kit.
     */
    @Test
    void cursorPagesComeOldestFirstAndSaySoWhateverTheAdaptersOrder() throws Exception {
        for (int i = 0; i < 11; i++) {
            esa.put("people", null, Map.of("name", "p" + i));
        }
        ExternalSystemAdapter reversed = (ExternalSystemAdapter) java.lang.reflect.Proxy.newProxyInstance(
                ExternalSystemAdapter.class.getClassLoader(), new Class<?>[] {ExternalSystemAdapter.class}, (proxy, method, args) -> {
                    if (method.getName().equals("modifiedPages")) {
                        return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args); // the list, as modified gives it
                    }
                    Object answer;
                    try {
                        answer = method.invoke(esa, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("modified") && answer != null) {
                        List<?> list = new java.util.ArrayList<>((List<?>) answer);
                        java.util.Collections.reverse(list);
                        return list;
                    }
                    return answer;
                });
        try (EsaServer other = EsaServer.start(reversed, 0, EsaServer.Options.defaults().withToken("s3cret").withPaging(5, 4))) {
            EsaClient otherClient = new EsaClient(other.uri(), "s3cret", Duration.ofSeconds(10), EsaMessage.DEFAULT_MAX_BYTES);
            EsaCursor cursor = EsaCursor.of(otherClient.callEsa(XmlNode.of("getModifiedPaged", XmlNode.text("structure", "people")))
                    .child("cursor").orElseThrow());
            assertThat(cursor.oldestFirst()).isTrue();
            List<String> ids = new java.util.ArrayList<>();
            for (int page = 0; page < cursor.pages(); page++) {
                otherClient.callEsa(XmlNode.of("readDataPage", XmlNode.text("cursor-id", cursor.id()),
                        XmlNode.text("page-index", Integer.toString(page)))).all("record")
                        .forEach(record -> ids.add(EsaRecord.of(record).id()));
            }
            assertThat(ids).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11");
        }
    }

    /**
     * The reference adapter's cursor reads its records a page at a time as the hub asks (never all
     * of them at once), all from the view of the data when the cursor opened: what the
     * applications write meanwhile is not blocked and comes in the next sync; a page read again or
     * out of order is the same page.
     */
    @Test
    void aCursorReadsTheAdaptersRecordsAPageAtATimeFromOneViewOfThem() throws Exception {
        for (int i = 0; i < 11; i++) {
            esa.put("people", null, Map.of("name", "p" + i, "age", i));
        }
        List<String> runs = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExternalSystemAdapter watched = watched(esa, runs);
        try (EsaServer other = EsaServer.start(watched, 0, EsaServer.Options.defaults().withToken("s3cret").withPaging(5, 4))) {
            EsaClient otherClient = new EsaClient(other.uri(), "s3cret", Duration.ofSeconds(10), EsaMessage.DEFAULT_MAX_BYTES);
            assertThat(otherClient.callEsa(XmlNode.of("getModified", XmlNode.text("structure", "people"))).textOf("nullValue"))
                    .contains("true");
            EsaCursor cursor = EsaCursor.of(otherClient.callEsa(XmlNode.of("getModifiedPaged", XmlNode.text("structure", "people")))
                    .child("cursor").orElseThrow());
            assertThat(cursor.pages()).isEqualTo(3);
            assertThat(cursor.total()).isEqualTo(11L);
            java.util.function.IntFunction<List<EsaRecord>> page = index -> otherClient.callEsa(XmlNode.of("readDataPage",
                    XmlNode.text("cursor-id", cursor.id()), XmlNode.text("page-index", Integer.toString(index)))).all("record")
                    .stream().map(EsaRecord::of).toList();

            List<EsaRecord> first = page.apply(0);
            // The applications write while the cursor is open: a record served, one not yet, a new one.
            esa.put("people", "2", Map.of("name", "two again"));
            esa.put("people", "10", Map.of("name", "ten again"));
            String added = esa.put("people", null, Map.of("name", "new"));
            List<EsaRecord> third = page.apply(2);
            List<EsaRecord> second = page.apply(1);
            List<EsaRecord> secondAgain = page.apply(1);
            List<EsaRecord> thirdAgain = page.apply(2);

            List<EsaRecord> all = new java.util.ArrayList<>(first);
            all.addAll(second);
            all.addAll(third);
            assertThat(all).extracting(EsaRecord::id).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11");
            assertThat(all).extracting(r -> r.value("name")).containsExactly("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7",
                    "p8", "p9", "p10");
            assertThat(secondAgain).isEqualTo(second);
            assertThat(thirdAgain).isEqualTo(third);
            otherClient.callEsa(XmlNode.of("closeCursor", XmlNode.text("cursor-id", cursor.id())));
            assertThat(runs).containsExactly("0-4", "8-11", "4-8", "4-8", "8-11", "closed");

            // The next sync, from the newest stamp the cursor gave, finds what was written meanwhile.
            XmlNode next = otherClient.callEsa(XmlNode.of("getModified", XmlNode.text("structure", "people"),
                    XmlNode.text("after", EsaTime.format(all.get(all.size() - 1).modifiedAt()))));
            assertThat(next.all("record")).extracting(r -> EsaRecord.of(r).id()).containsExactly("2", "10", added);
            assertThat(runs).endsWith("0-3", "closed"); // answered inline, and released
        }
    }

    /** The adapter, with the runs its cursors read and their closing written to {@code runs}; asking for a whole list fails. */
    private static ExternalSystemAdapter watched(ExternalSystemAdapter inner, List<String> runs) {
        return (ExternalSystemAdapter) java.lang.reflect.Proxy.newProxyInstance(
                ExternalSystemAdapter.class.getClassLoader(), new Class<?>[] {ExternalSystemAdapter.class}, (proxy, method, args) -> {
                    if (method.getName().equals("modified")) {
                        throw new AssertionError("the whole list was asked for");
                    }
                    Object answer;
                    try {
                        answer = method.invoke(inner, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (answer instanceof ExternalSystemAdapter.RecordPages pages) {
                        return pages(pages.size(), (from, to) -> {
                            runs.add(from + "-" + to);
                            return pages.read(from, to);
                        }, () -> {
                            runs.add("closed");
                            pages.close();
                        });
                    }
                    return answer;
                });
    }

    /** Records of a given count, read and released as given. */
    private static ExternalSystemAdapter.RecordPages pages(int size,
            java.util.function.BiFunction<Integer, Integer, List<EsaRecord>> read, Runnable close) {
        return new ExternalSystemAdapter.RecordPages() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public List<EsaRecord> read(int from, int to) {
                return read.apply(from, to);
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }

    /** Records an adapter pages out of order, or fewer than due, fail the page with a fault that says so. */
    @Test
    void anAdaptersPagesOutOfOrderOrShortAreFaults() throws Exception {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        List<EsaRecord> records = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            records.add(new EsaRecord(Integer.toString(i + 1), t.plusSeconds(i == 4 ? 1 : i), Map.of()));
        }
        java.util.concurrent.atomic.AtomicInteger closed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean shortRead = new java.util.concurrent.atomic.AtomicBoolean();
        ExternalSystemAdapter paging = (ExternalSystemAdapter) java.lang.reflect.Proxy.newProxyInstance(
                ExternalSystemAdapter.class.getClassLoader(), new Class<?>[] {ExternalSystemAdapter.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("modifiedPages")) {
                        return method.invoke(esa, args);
                    }
                    return pages(records.size(), (from, to) -> records.subList(from, shortRead.get() ? to - 1 : to),
                            closed::incrementAndGet);
                });
        try (EsaServer other = EsaServer.start(paging, 0, EsaServer.Options.defaults().withToken("s3cret").withPaging(5, 4))) {
            EsaClient otherClient = new EsaClient(other.uri(), "s3cret", Duration.ofSeconds(10), EsaMessage.DEFAULT_MAX_BYTES);
            EsaCursor cursor = EsaCursor.of(otherClient.callEsa(XmlNode.of("getModifiedPaged", XmlNode.text("structure", "people")))
                    .child("cursor").orElseThrow());
            otherClient.callEsa(XmlNode.of("readDataPage", XmlNode.text("cursor-id", cursor.id()), XmlNode.text("page-index", "0")));
            // Record 5 (stamped t+1s) after record 4 (t+3s): the second page is out of order.
            assertThatThrownBy(() -> otherClient.callEsa(XmlNode.of("readDataPage", XmlNode.text("cursor-id", cursor.id()),
                    XmlNode.text("page-index", "1")))).isInstanceOf(EsaFault.class)
                    .hasMessageContaining("the adapter's records are not oldest first: '5' comes after '4'");
            shortRead.set(true);
            assertThatThrownBy(() -> otherClient.callEsa(XmlNode.of("readDataPage", XmlNode.text("cursor-id", cursor.id()),
                    XmlNode.text("page-index", "0")))).isInstanceOf(EsaFault.class)
                    .hasMessageContaining("the adapter read 3 records where 4 were due (records 0 to 4 of 8)");
            assertThat(closed).hasValue(0);
            otherClient.callEsa(XmlNode.of("closeCursor", XmlNode.text("cursor-id", cursor.id())));
            assertThat(closed).hasValue(1);
            // What an inline call kept for the paged call that never came is released by the next one.
            assertThat(otherClient.callEsa(XmlNode.of("getModified", XmlNode.text("structure", "people"))).textOf("nullValue"))
                    .contains("true");
            assertThat(closed).hasValue(1);
            otherClient.callEsa(XmlNode.of("getModified", XmlNode.text("structure", "people")));
            assertThat(closed).hasValue(2);
        }
        assertThat(closed).hasValue(3); // and the server's close releases the last
    }

    /** A cursor left idle is released, and with it what its records are read from. */
    @Test
    void anIdleCursorIsReleased() throws Exception {
        for (int i = 0; i < 11; i++) {
            esa.put("people", null, Map.of("name", "p" + i));
        }
        List<String> runs = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (EsaServer other = EsaServer.start(watched(esa, runs), 0, new EsaServer.Options("s3cret",
                EsaMessage.DEFAULT_MAX_BYTES, 5, 4, Duration.ofMillis(50)))) {
            EsaClient otherClient = new EsaClient(other.uri(), "s3cret", Duration.ofSeconds(10), EsaMessage.DEFAULT_MAX_BYTES);
            EsaCursor cursor = EsaCursor.of(otherClient.callEsa(XmlNode.of("getModifiedPaged", XmlNode.text("structure", "people")))
                    .child("cursor").orElseThrow());
            assertThat(other.openCursors()).isEqualTo(1);
            Thread.sleep(120);
            assertThat(runs).isEmpty();
            otherClient.callEsa(XmlNode.of("getStructureList"));
            assertThat(other.openCursors()).isZero();
            assertThat(runs).containsExactly("closed");
            assertThatThrownBy(() -> otherClient.callEsa(XmlNode.of("readDataPage", XmlNode.text("cursor-id", cursor.id()),
                    XmlNode.text("page-index", "0")))).isInstanceOf(EsaFault.class).hasMessageContaining("no open cursor");
        }
    }

    /** A stored value no XML document can carry becomes a fault naming the record, not a broken answer. */
    @Test
    void anAnswerThatCannotBeWrittenIsAFaultNamingTheRecord() {
        esa.put("people", null, Map.of("name", "ring\u0007ring", "age", 1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> call("getModified", XmlNode.text("structure", "people")))
                .isInstanceOf(EsaFault.class).hasMessageContaining("the answer cannot be sent: record ")
                .hasMessageContaining("the text of <value name=\"name\"> holds U+0007 at character 5");
        esa.put("people", null, Map.of("name", "ring ring", "age", 2));
        assertThat(call("getStructureList").children()).isNotEmpty(); // the server goes on answering
    }

    @Test
    void aStaleLastSeenIsARecordFaultAndChangesNothing() {
        String id = esa.put("people", null, Map.of("name", "Ada"));
        Instant seen = esa.all("people").get(id).modifiedAt();
        esa.put("people", id, Map.of("name", "Ada L."));
        XmlNode record = new EsaRecord(id, null, Map.of("name", List.of("lost"))).toNode();
        assertThatThrownBy(() -> call("update", XmlNode.text("structure", "people"),
                XmlNode.text("last-seen", EsaTime.format(seen)), record))
                .isInstanceOfSatisfying(EsaFault.class, f -> {
                    assertThat(f.type()).isEqualTo(EsaFault.Type.RECORD);
                    assertThat(f.id()).isEqualTo(id);
                });
        assertThat(esa.all("people").get(id).value("name")).isEqualTo("Ada L.");
    }

    @Test
    void delayedWritesArePolledUntilDone() {
        esa.delayedWrites(true);
        XmlNode record = new EsaRecord(null, null, Map.of("name", List.of("Later"))).toNode();
        EsaFault delayed = (EsaFault) org.assertj.core.api.Assertions.catchThrowable(() -> call("create",
                XmlNode.text("structure", "people"), record));
        assertThat(delayed.type()).isEqualTo(EsaFault.Type.DELAYED);
        assertThat(esa.all("people")).isEmpty();
        assertThatThrownBy(() -> call("checkDelayedCreate", XmlNode.text("structure", "people"),
                XmlNode.text("token", delayed.token()))).isInstanceOfSatisfying(EsaFault.class,
                        f -> assertThat(f.type()).isEqualTo(EsaFault.Type.DELAYED));
        XmlNode done = call("checkDelayedCreate", XmlNode.text("structure", "people"), XmlNode.text("token", delayed.token()));
        EsaRecord created = EsaRecord.of(done.child("record").orElseThrow());
        assertThat(esa.all("people").get(created.id()).value("name")).isEqualTo("Later");
    }

    @Test
    void countRangeCountsIdsInclusively() {
        for (int i = 0; i < 6; i++) {
            esa.put("people", null, Map.of("name", "p" + i));
        }
        esa.remove("people", "3");
        assertThat(call("countRange", XmlNode.text("structure", "people"), XmlNode.text("min-id", "2"),
                XmlNode.text("max-id", "5")).required("value")).isEqualTo("3");
    }

    @Test
    void callersWithoutTheTokenAndBadMessagesAreRefused() throws Exception {
        EsaClient stranger = new EsaClient(server.uri(), "guess", Duration.ofSeconds(5), 1 << 20);
        assertThatThrownBy(() -> stranger.callEsa(XmlNode.of("getStructureList"))).isInstanceOf(RuntimeException.class);
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri())
                .header("Authorization", "Bearer s3cret")
                .POST(HttpRequest.BodyPublishers.ofString("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><sync>&e;</sync>"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("ProtocolException").doesNotContain("root:");
        assertThat(esa.calls()).isEmpty();
        assertThat(URI.create(server.uri().toString()).getPath()).isEqualTo("/esa");
    }
}
