package dev.tributary.engine;

import dev.tributary.store.ConflictState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.Uid;
import dev.tributary.connectors.memory.MemoryBackend;
import dev.tributary.store.ConflictRecord;
import dev.tributary.store.RecordWrite;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A manual link parks "hub changed, endpoint deleted"; resolving it with {@code take: hub} must
 * bring the row back on the endpoint — as hubWins does — instead of parking it again on every run.
 */
class ResolveHubRestoresEndpointDeletionIT {

    private final EngineHarness h = new EngineHarness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void takeHubRecreatesTheObjectTheEndpointDeleted() {
        MemoryBackend crm = h.memoryEndpoint("crm");
        h.link("crm", "crm", "people", "\"conflictPolicy\":\"manual\"");
        Uid ada = crm.create(EngineHarness.ITEMS, null, Map.of("name", "Ada")).uid();
        h.runOk("crm");
        String recordId = h.engine.mappings("crm").get(0).recordId();
        h.store.changeLog().apply("people", List.of(RecordWrite.put(recordId, "{\"name\":\"Ada (hub)\"}")), "http:test");
        crm.delete(EngineHarness.ITEMS, ada, null);

        h.runOk("crm");
        List<ConflictRecord> open = h.engine.conflicts(ConflictState.OPEN, "crm", 10);
        assertThat(open).singleElement().satisfies(c -> assertThat(c.endpointData()).as("the endpoint deleted it").isNull());
        assertThat(crm.all(EngineHarness.ITEMS)).isEmpty();

        h.engine.resolve(open.get(0).id(), "hub", null);
        for (int round = 0; round < 3; round++) {
            h.runOk("crm");
        }
        assertThat(h.engine.conflicts(ConflictState.OPEN, "crm", 10)).as("not parked again").isEmpty();
        assertThat(EngineHarness.objects(crm).values()).singleElement()
                .satisfies(d -> assertThat(d.get("name").asText()).isEqualTo("Ada (hub)"));
        assertThat(h.hub("people")).containsOnlyKeys(recordId);
        assertThat(h.engine.mappings("crm")).singleElement().satisfies(m -> assertThat(m.recordId()).isEqualTo(recordId));
    }
}
