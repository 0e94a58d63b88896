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
