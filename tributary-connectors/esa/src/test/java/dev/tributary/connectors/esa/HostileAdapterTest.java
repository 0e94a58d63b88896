package dev.tributary.connectors.esa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.tributary.connector.ConnectorException;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.OperationOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An adapter that answers badly: every bad answer is a protocol error, never taken as data. */
class HostileAdapterTest {

    private static final Pattern CALL_ID = Pattern.compile("call-id=\"([^\"]+)\"");

    private HttpServer http;
    private final AtomicReference<Function<String, String>> answer = new AtomicReference<>();
    private final AtomicReference<Function<String, String>> readAnswer = new AtomicReference<>();
    /** Answers by the request and the call id, before the others; null: not this one. */
    private final AtomicReference<java.util.function.BiFunction<String, String, String>> routed = new AtomicReference<>();

    @BeforeEach
    void start() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/esa", exchange -> {
            String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher id = CALL_ID.matcher(request);
            String callId = id.find() ? id.group(1) : "?";
            String body;
            String route = routed.get() == null ? null : routed.get().apply(request, callId);
            if (route != null) {
                body = route;
            } else if (request.contains("<startSync>")) {
                body = result(callId, "<value>1.0</value>");
            } else if (request.contains("<getCurrentTime/>") || request.contains("<getCurrentTime></getCurrentTime>")) {
                body = result(callId, "<value>" + java.time.Instant.now() + "</value>");
            } else if (request.contains("<getFieldList>") || request.contains("<getRelations>")) {
                body = result(callId, "");
            } else if (request.contains("<read>")) {
                body = readAnswer.get().apply(callId);
            } else {
                body = answer.get().apply(callId);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    private static String result(String callId, String content) {
        return "<sync><result response-to=\"" + callId + "\">" + content + "</result></sync>";
    }

    private EsaConnector connector() {
        EsaConnector connector = new EsaConnector();
        connector.init(connector.configDef().validate(Map.of("url", "http://127.0.0.1:" + http.getAddress().getPort()
                + "/esa", "maxMessageBytes", "4096")));
        return connector;
    }

    private void refused(Function<String, String> reply, String expected) {
        answer.set(reply);
        EsaConnector connector = connector();
        try {
            assertThatThrownBy(connector::schema).isInstanceOf(ConnectorException.class).hasMessageContaining(expected);
        } finally {
            connector.dispose();
        }
    }

    @Test
    void anAnswerToAnotherCallIsRefused() {
        refused(id -> result("not-" + id, "<structure name=\"people\"/>"), "not to call");
    }

    @Test
    void documentTypesAndEntitiesAreRefused() {
        refused(id -> "<?xml version=\"1.0\"?><!DOCTYPE sync [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + result(id, "<structure name=\"&x;\"/>"), "DOCTYPE");
    }

    @Test
    void malformedAndInvalidAnswersAreRefused() {
        refused(id -> "<sync><result response-to=\"" + id + "\"><structure name=\"people\">", "not well-formed");
        refused(id -> result(id, "<structure name=\"people\" shape=\"round\"/>"), "schema");
        refused(id -> result(id, "<structure/>"), "schema");
    }

    @Test
    void oversizedAnswersAreRefusedUnread() {
        refused(id -> result(id, "<structure name=\"p\" label=\"" + "x".repeat(5000) + "\"/>"), "larger than 4096");
    }

    @Test
    void anAnswerOfTheWrongShapeIsNotTakenAsEmpty() {
        answer.set(id -> result(id, "<structure name=\"people\"/>"));
        EsaConnector connector = connector();
        try {
            assertThat(connector.schema().objectClasses()).hasSize(1);
            readAnswer.set(id -> result(id, "<cursor id=\"c\" pages=\"1\" page-size=\"1\" kind=\"ids\"/>"));
            assertThatThrownBy(() -> connector.get(new ObjectClass("people"), new dev.tributary.connector.Uid("1"),
                    OperationOptions.DEFAULTS)).isInstanceOf(ConnectorException.class).hasMessageContaining("cursor");
            readAnswer.set(id -> result(id, ""));
            assertThatThrownBy(() -> connector.get(new ObjectClass("people"), new dev.tributary.connector.Uid("1"),
                    OperationOptions.DEFAULTS)).as("an empty answer is not 'no record'").hasMessageContaining("empty");
        } finally {
            connector.dispose();
        }
    }

    /**
     * Pages promised oldest first are handed on as they come; a record older than one handed on
     * already breaks the promise — the tokens handed on would pass it by — and fails the sync.
     */
    @Test
    void aBrokenOldestFirstPromiseFailsTheSyncAtTheRecordThatBreaksIt() {
        answer.set(id -> result(id, "<structure name=\"people\"/>"));
        routed.set((request, id) -> {
            if (request.contains("<getDeleted>") || request.contains("<getModified>")) {
                return result(id, request.contains("<getDeleted>") ? "" : "<nullValue>true</nullValue>");
            }
            if (request.contains("<getModifiedPaged>")) {
                return result(id, "<cursor id=\"c\" pages=\"2\" page-size=\"2\" kind=\"records\" order=\"oldest-first\"/>");
            }
            if (request.contains("<readDataPage>")) {
                return result(id, request.contains("<page-index>0</page-index>")
                        ? "<record><id>2</id><modified-at>2024-01-02T00:00:00.000Z</modified-at></record>"
                                + "<record><id>3</id><modified-at>2024-01-03T00:00:00.000Z</modified-at></record>"
                        : "<record><id>1</id><modified-at>2024-01-01T00:00:00.000Z</modified-at></record>");
            }
            if (request.contains("<closeCursor>")) {
                return result(id, "");
            }
            return null;
        });
        EsaConnector connector = connector();
        java.util.List<String> handed = new java.util.ArrayList<>();
        try {
            assertThatThrownBy(() -> connector.sync(new ObjectClass("people"), null, delta -> handed.add(delta.uid().value()),
                    OperationOptions.DEFAULTS)).isInstanceOf(ConnectorException.class)
                    .hasMessageContaining("promised its records oldest first, but record 1 (2024-01-01T00:00:00Z) came after"
                            + " record 3 (2024-01-03T00:00:00Z)");
            assertThat(handed).as("the first page was handed on as it came").containsExactly("2", "3");
        } finally {
            connector.dispose();
        }
    }
}
