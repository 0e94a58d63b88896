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

    @BeforeEach
    void start() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/esa", exchange -> {
            String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher id = CALL_ID.matcher(request);
            String callId = id.find() ? id.group(1) : "?";
            String body;
            if (request.contains("<startSync>")) {
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
}
