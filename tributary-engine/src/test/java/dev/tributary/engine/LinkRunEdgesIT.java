package dev.tributary.engine;

import dev.tributary.store.ConflictState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.Uid;
import dev.tributary.connectors.memory.MemoryBackend;
import dev.tributary.store.RecordWrite;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Edges of a link run found by reading the code: id mappings that outlive their hub record, more
 * parked conflicts than one page of them, and reconciliation of a connector that cannot search.
 */
class LinkRunEdgesIT {

    private final EngineHarness h = new EngineHarness();

    @AfterEach
    void close() {
        h.close();
    }

    /** Deletes the collection behind the link's back and creates it again: the id map still names its records. */
    private void recreateCollection(String name) {
        assertThat(h.store.collections().delete(name)).isTrue();
        h.store.collections().put(name, null);
    }

    /**
     * Outbound pages are written to the endpoint one ahead of the page being recorded. When the
     * endpoint fails part-way through a page, the page after it must not be written (it would
     * reach the endpoint unrecorded, and an endpoint that keys objects itself would get it twice).
     */
    @Test
    void anEndpointFailingPartWayThroughAnOutboundPassGetsNothingTwice() {
        MemoryBackend crm = h.memoryEndpoint("crm");
        h.link("crm", "crm", "people", "\"direction\":\"out\"");
        List<RecordWrite> writes = new java.util.ArrayList<>();
        for (int i = 0; i < 9_000; i++) {
            writes.add(RecordWrite.put("p" + i, "{\"name\":\"person " + i + "\"}"));
        }
        for (int from = 0; from < writes.size(); from += 1_000) {
            h.store.changeLog().apply("people", writes.subList(from, from + 1_000), "http:test");
        }
        // The 4,500th create (page 3 of 2,000) fails as a whole run would: not transient, no retry.
        crm.faults().failCall("create", 4_500, new dev.tributary.connector.ConnectorException("the crm refused to go on"));
        assertThat(h.run("crm").state()).isEqualTo("failed");
        assertThat(crm.all(EngineHarness.ITEMS)).as("the pages before the failure and the first part of its page")
                .hasSize(4_499);
        h.runOk("crm");
        assertThat(crm.all(EngineHarness.ITEMS)).hasSize(9_000);
        assertThat(EngineHarness.objects(crm).values().stream().map(o -> o.get("name").asText()).distinct().count())
                .as("every record once").isEqualTo(9_000);
    }

    @Test
    void endpointWinsBringsBackARecordWhoseHubRecordIsGone() {
        MemoryBackend crm = h.memoryEndpoint("crm");
        h.link("crm", "crm", "people", "\"conflictPolicy\":\"endpointWins\"");
        Uid ada = crm.create(EngineHarness.ITEMS, null, Map.of("name", "Ada")).uid();
        h.runOk("crm");
        String recordId = h.engine.mappings("crm").get(0).recordId();

        recreateCollection("people");
        crm.update(EngineHarness.ITEMS, ada, null, Map.of("name", "Ada Lovelace"));
        h.runOk("crm");

        assertThat(h.hub("people")).containsOnlyKeys(recordId);
        assertThat(h.hub("people").get(recordId).get("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(EngineHarness.objects(crm).values()).singleElement()
                .satisfies(d -> assertThat(d.get("name").asText()).isEqualTo("Ada Lovelace"));
    }

    @Test
    void hubWinsDeletesTheEndpointObjectWhenItsHubRecordIsGone() {
        MemoryBackend crm = h.memoryEndpoint("crm");
        h.link("crm", "crm", "people", "\"conflictPolicy\":\"hubWins\"");
        Uid ada = crm.create(EngineHarness.ITEMS, null, Map.of("name", "Ada")).uid();
        crm.create(EngineHarness.ITEMS, null, Map.of("name", "Alan"));
        h.runOk("crm");

        recreateCollection("people");
        crm.update(EngineHarness.ITEMS, ada, null, Map.of("name", "Ada Lovelace"));
        h.runOk("crm");
        h.runOk("crm");

        // The hub's side (no record) stays and reaches the endpoint; the two sides agree again.
        assertThat(h.hub("people")).isEmpty();
        assertThat(EngineHarness.objects(crm).values()).extracting(d -> d.get("name").asText())
                .containsExactly("Alan");
        assertThat(h.engine.mappings("crm")).extracting(m -> m.uid()).doesNotContain(ada.value());
    }

    @Test
    void aParkedRecordStaysParkedHoweverManyConflictsAreOpen() throws InterruptedException {
        MemoryBackend crm = h.memoryEndpoint("crm");
        h.link("crm", "crm", "people", "\"conflictPolicy\":\"manual\"");
        Uid ada = crm.create(EngineHarness.ITEMS, null, Map.of("name", "Ada")).uid();
        h.runOk("crm");
        String recordId = h.engine.mappings("crm").get(0).recordId();
        h.store.changeLog().apply("people", List.of(RecordWrite.put(recordId, "{\"name\":\"Ada (hub)\"}")), "http:test");
        crm.update(EngineHarness.ITEMS, ada, null, Map.of("name", "Ada (crm)"));
        h.runOk("crm");
        assertThat(h.engine.conflicts(ConflictState.OPEN, "crm", 10)).hasSize(1);

        // Ten thousand newer parked conflicts of the same link (of records the hub no longer has).
        h.clock.advance(Duration.ofSeconds(1));
        h.store.transact(tx -> {
            for (int i = 0; i < 10_000; i++) {
                tx.recordConflict("crm", "gone-" + i, "uid-" + UUID.randomUUID(), ConflictState.OPEN, "manual", null,
                        "{}", "{}", "1", "planted");
            }
            return null;
        });
        h.clock.advance(Duration.ofSeconds(1));

        h.store.changeLog().apply("people", List.of(RecordWrite.put(recordId, "{\"name\":\"Ada (hub, again)\"}")),
                "http:test");
        var stats = h.runOk("crm");

        assertThat(stats.at("/outbound/created").asInt() + stats.at("/outbound/updated").asInt()
                + stats.at("/outbound/conflicts").asInt()).as("a parked record is not written out: %s", stats).isZero();
        assertThat(stats.at("/outbound/skipped").asInt()).as("it is skipped: %s", stats).isEqualTo(1);
        assertThat(h.store.conflicts().list(ConflictState.OPEN, "crm", 20_000)).filteredOn(c -> recordId.equals(c.recordId()))
                .as("still parked once").hasSize(1);
        assertThat(EngineHarness.objects(crm).values()).singleElement()
                .satisfies(d -> assertThat(d.get("name").asText()).isEqualTo("Ada (crm)"));
    }

    @Test
    void reconcilingWithoutSearchRemovesWhatTheEndpointNoLongerHolds() {
        String backendName = "sync-only-" + UUID.randomUUID();
        MemoryBackend erp = MemoryBackend.named(backendName);
        h.engine.putEndpoint("erp", EngineHarness.json(
                "{\"connector\":\"syncOnly\",\"config\":{\"backend\":\"" + backendName + "\"}}"));
        h.link("erp", "erp", "parts", "\"direction\":\"in\"");
        Uid bolt = erp.create(EngineHarness.ITEMS, null, Map.of("name", "bolt")).uid();
        erp.create(EngineHarness.ITEMS, null, Map.of("name", "nut"));
        h.runOk("erp");
        assertThat(h.hub("parts")).hasSize(2);

        erp.delete(EngineHarness.ITEMS, bolt, null);
        erp.truncateJournal(); // the deletion is no longer in the history: the link's token is refused
        var stats = h.runOk("erp");

        assertThat(stats.at("/inbound/reconciled").asBoolean() || stats.at("/reconciled").asBoolean())
                .as("a full reconciliation happened: %s", stats).isTrue();
        assertThat(h.hub("parts").values()).extracting(d -> d.get("name").asText()).containsExactly("nut");
    }
}
