package dev.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tributary.store.StoreBackend;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every log line a request can cause, at DEBUG, is free of token secrets and sync tokens. */
class LogsHoldNoSecretsIT {

    @Test
    void requestsLeaveNoTokenInTheLogs() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger tributary = (Logger) LoggerFactory.getLogger("dev.tributary");
        Level before = tributary.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        tributary.setLevel(Level.DEBUG);
        try (TestHub hub = new TestHub(StoreBackend.sqlite())) {
            hub.put("/v1/collections/notes", "");
            hub.put("/v1/collections/notes/records/a", "{\"data\":{\"secretField\":\"value\"}}");
            String syncToken = hub.get("/v1/collections/notes/records").json().get("nextSyncToken").asText();
            hub.get("/v1/collections/notes/records?syncToken=" + TestHub.encode(syncToken));
            hub.send("GET", "/v1/collections", null, "trb_wrong-secret-value");
            hub.put("/v1/collections/notes/records/b", "{\"data\": broken");

            assertThat(captured.list).as("the access log is on").isNotEmpty();
            for (ILoggingEvent event : captured.list) {
                String line = event.getFormattedMessage();
                assertThat(line).doesNotContain(hub.adminToken).doesNotContain("trb_wrong-secret-value")
                        .doesNotContain(syncToken).doesNotContain("value");
            }
        } finally {
            root.detachAppender(captured);
            tributary.setLevel(before);
        }
    }
}
