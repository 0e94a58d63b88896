package dev.tributary.engine;

import dev.tributary.store.ConflictState;
import dev.tributary.store.StoreBackend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.connector.ConnectorException;
import dev.tributary.connector.ConnectorIOException;
import dev.tributary.connector.Uid;
import dev.tributary.connectors.memory.MemoryBackend;
import dev.tributary.store.ConflictRecord;
import dev.tributary.store.RecordWrite;
import dev.tributary.store.RunRecord;
import dev.tributary.store.Runs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SyncEngineIT {

    private final EngineHarness h = new EngineHarness(backend());

    /** The store the engine runs on; a subclass runs every test on PostgreSQL. */
    StoreBackend backend() {
        return StoreBackend.sqlite();
    }

    @AfterEach
    void close() {
        h.close();
    }

    private static Map<String, Object> item(String name, int n) {
        return Map.of("name", name, "n", n);
    }

    private void hubPut(String collection, String id, String json) {
        h.store.changeLog().apply(collection, List.of(RecordWrite.put(id, json)), "http:test");
    }

    @Test
    void inboundBringsCreatesUpdatesAndDeletesIntoTheHub() {
        MemoryBackend crm = h.memoryEndpoint("crm");
        Uid ada = crm.create(EngineHarness.ITEMS, null, item("Ada", 1)).uid();
        Uid bob = crm.create(EngineHarness.ITEMS, null, item("Bob", 2)).uid();
        h.link("crm-in", "crm", "people", "\"direction\":\"in\"");

        JsonNode stats = h.runOk("crm-in");
        assertThat(stats.at("/inbound/created").asLong()).isEqualTo(2);
        assertThat(h.hub("people").values()).extracting(d -> d.get("name").asText()).containsExactlyInAnyOrder("Ada", "Bob");

        crm.update(EngineHarness.ITEMS, ada, null, Map.of("name", "Ada L."));
        crm.delete(EngineHarness.ITEMS, bob, null);
        stats = h.runOk("crm-in");
        assertThat(stats.at("/inbound/updated").asLong()).isEqualTo(1);
        assertThat(stats.at("/inbound/deleted").asLong()).isEqualTo(1);
        assertThat(h.hub("people").values()).extracting(d -> d.get("name").asText()).containsExactly("Ada L.");
        assertThat(h.runOk("crm-in").at("/inbound/read").asLong()).as("nothing new").isZero();
    }

    @Test
    void twoEndpointsConvergeThroughTheHubWithoutEchoes() {
        MemoryBackend crm = h.memoryEndpoint("crm");
        MemoryBackend erp = h.memoryEndpoint("erp");
        h.link("crm", "crm", "people", "\"fieldMap\":{\"name\":\"full_name\"}");
        h.link("erp", "erp", "people", "\"fieldMap\":{\"name\":\"name\",\"email\":\"email_address\"}");
        Uid ada = crm.create(EngineHarness.ITEMS, null, Map.of("full_name", "Ada")).uid();
        erp.create(EngineHarness.ITEMS, null, Map.of("name", "Grace", "email_address", "grace@example.com"));

        h.runOk("crm");
        h.runOk("erp");
        h.runOk("crm");
        assertThat(EngineHarness.objects(crm).values()).extracting(d -> d.get("full_name").asText())
                .containsExactlyInAnyOrder("Ada", "Grace");
        assertThat(EngineHarness.objects(erp).values()).extracting(d -> d.get("name").asText())
                .containsExactlyInAnyOrder("Ada", "Grace");
        assertThat(h.hub("people").values()).anySatisfy(d -> assertThat(d.path("email").asText()).isEqualTo("grace@example.com"));

        Map<String, Long> head = h.store.changeLog().heads();
        long crmHead = crm.head();
        long erpHead = erp.head();
        for (String link : List.of("crm", "erp", "crm", "erp")) {
            JsonNode stats = h.runOk(link);
            assertThat(stats.at("/inbound/created").asLong() + stats.at("/inbound/updated").asLong()
                    + stats.at("/outbound/created").asLong() + stats.at("/outbound/updated").asLong())
                    .as("no echo on %s", link).isZero();
        }
        assertThat(h.store.changeLog().heads()).as("the hub changed nothing more").isEqualTo(head);
        assertThat(crm.head()).isEqualTo(crmHead);
        assertThat(erp.head()).isEqualTo(erpHead);

        crm.update(EngineHarness.ITEMS, ada, null, Map.of("full_name", "Ada Lovelace"));
        h.runOk("crm");
        h.runOk("erp");
        assertThat(EngineHarness.objects(erp).values()).extracting(d -> d.get("name").asText()).contains("Ada Lovelace");
    }

    @Test
    void aRenameKeepsTheHubRecord() {
        MemoryBackend crm = h.memoryEndpoint("crm");
        Uid ada = crm.create(EngineHarness.ITEMS, null, item("Ada", 1)).uid();
        h.link("crm", "crm", "people", "\"direction\":\"in\"");
        h.runOk("crm");
        String recordId = h.engine.mappings("crm").get(0).recordId();
        crm.rename(EngineHarness.ITEMS, ada, "ada-l");
        h.runOk("crm");
        assertThat(h.engine.mappings("crm")).singleElement().satisfies(m -> {
            assertThat(m.uid()).isEqualTo("ada-l");
            assertThat(m.recordId()).isEqualTo(recordId);
        });
        assertThat(h.hub("people")).containsOnlyKeys(recordId);
    }

    @Test
    void outboundRecordsGetIdsOnTheOtherSideAndDeletionsFollow() {
        MemoryBackend erp = h.memoryEndpoint("erp");
        h.link("erp", "erp", "people", "\"direction\":\"out\"");
        hubPut("people", "p1", "{\"name\":\"Ada\"}");
        hubPut("people", "p2", "{\"name\":\"Bob\"}");
        JsonNode stats = h.runOk("erp");
        assertThat(stats.at("/outbound/created").asLong()).isEqualTo(2);
        assertThat(h.engine.mappings("erp")).extracting(m -> m.recordId()).containsExactlyInAnyOrder("p1", "p2");
        h.store.changeLog().apply("people", List.of(RecordWrite.delete("p2")), "http:test");
        hubPut("people", "p1", "{\"name\":\"Ada L.\"}");
        stats = h.runOk("erp");
        assertThat(stats.at("/outbound/updated").asLong()).isEqualTo(1);
        assertThat(stats.at("/outbound/deleted").asLong()).isEqualTo(1);
        assertThat(EngineHarness.objects(erp).values()).extracting(d -> d.get("name").asText()).containsExactly("Ada L.");
    }

    // ---- conflicts

    /** Makes a record change on both sides of link "crm" (both directions) since their last sync. */
    private MemoryBackend conflicting(String policy) {
        MemoryBackend crm = h.memoryEndpoint("crm");
        h.link("crm", "crm", "people", "\"conflictPolicy\":\"" + policy + "\",\"timestampField\":\"at\"");
        Uid ada = crm.create(EngineHarness.ITEMS, null, Map.of("name", "Ada", "at", "2026-01-01T00:00:00Z")).uid();
        h.runOk("crm");
        String recordId = h.engine.mappings("crm").get(0).recordId();
        h.clock.advance(Duration.ofMinutes(1));
        hubPut("people", recordId, "{\"name\":\"Ada (hub)\",\"at\":\"2026-01-01T00:00:00Z\"}");
        crm.update(EngineHarness.ITEMS, ada, null, Map.of("name", "Ada (crm)", "at", policy.equals("lastWriterWins")
                ? "2026-01-01T00:05:00Z" : "2026-01-01T00:00:00Z"));
        return crm;
    }

    @Test
    void hubWinsKeepsTheHubAndOverwritesTheEndpoint() {
        MemoryBackend crm = conflicting("hubWins");
        JsonNode stats = h.runOk("crm");
        assertThat(stats.at("/inbound/conflicts").asLong()).isEqualTo(1);
        assertThat(h.hub("people").values()).singleElement().satisfies(d -> assertThat(d.get("name").asText()).isEqualTo("Ada (hub)"));
        assertThat(EngineHarness.objects(crm).values()).singleElement()
                .satisfies(d -> assertThat(d.get("name").asText()).isEqualTo("Ada (hub)"));
        List<ConflictRecord> decisions = h.engine.conflicts(ConflictState.RESOLVED, "crm", 10);
        assertThat(decisions).singleElement().satisfies(c -> {
            assertThat(c.decision()).isEqualTo("hub");
            assertThat(c.policy()).isEqualTo("hubWins");
            assertThat(c.endpointData()).contains("Ada (crm)");
        });
        assertThat(h.runOk("crm").at("/inbound/conflicts").asLong()).as("settled").isZero();
    }

    @Test
    void endpointWinsTakesTheEndpointsSide() {
        MemoryBackend crm = conflicting("endpointWins");
        h.runOk("crm");
        assertThat(h.hub("people").values()).singleElement().satisfies(d -> assertThat(d.get("name").asText()).isEqualTo("Ada (crm)"));
        assertThat(EngineHarness.objects(crm).values()).singleElement()
                .satisfies(d -> assertThat(d.get("name").asText()).isEqualTo("Ada (crm)"));
        assertThat(h.engine.conflicts(ConflictState.RESOLVED, "crm", 10)).singleElement()
                .satisfies(c -> assertThat(c.decision()).isEqualTo("endpoint"));
    }

    @Test
    void lastWriterWinsComparesCorrectedTimes() {
        // The endpoint's clock runs 10 minutes fast: its 00:05 change happened at 23:55 hub time,
        // before the hub's change at 00:01.
        MemoryBackend crm = h.memoryEndpoint("crm", "\"clockOffset\":\"PT10M\"", null);
        crm.setClock(h.clock);
        h.link("crm", "crm", "people", "\"conflictPolicy\":\"lastWriterWins\",\"timestampField\":\"at\"");
        Uid ada = crm.create(EngineHarness.ITEMS, null, Map.of("name", "Ada", "at", "2025-12-31T23:50:00Z")).uid();
        h.runOk("crm");
        String recordId = h.engine.mappings("crm").get(0).recordId();
        h.clock.advance(Duration.ofMinutes(1));
        hubPut("people", recordId, "{\"name\":\"Ada (hub)\",\"at\":\"x\"}");
        crm.update(EngineHarness.ITEMS, ada, null, Map.of("name", "Ada (crm)", "at", "2026-01-01T00:05:00Z"));
        h.runOk("crm");
        assertThat(h.engine.conflicts(ConflictState.RESOLVED, "crm", 10)).singleElement()
                .satisfies(c -> assertThat(c.decision()).as("corrected 23:55 is before 00:01").isEqualTo("hub"));
        assertThat(EngineHarness.objects(crm).values()).singleElement()
                .satisfies(d -> assertThat(d.get("name").asText()).isEqualTo("Ada (hub)"));

        h.clock.advance(Duration.ofMinutes(1));
        hubPut("people", recordId, "{\"name\":\"Ada (hub 2)\",\"at\":\"x\"}");
        crm.update(EngineHarness.ITEMS, ada, null, Map.of("name", "Ada (crm 2)", "at", "2026-01-01T00:30:00Z"));
        h.runOk("crm");
        assertThat(h.engine.conflicts(ConflictState.RESOLVED, "crm", 10)).hasSize(2)
                .anySatisfy(c -> assertThat(c.decision()).as("corrected 00:20 is after 00:02").isEqualTo("endpoint"));
        assertThat(h.hub("people").get(recordId).get("name").asText()).isEqualTo("Ada (crm 2)");
    }

    @Test
    void manualParksBothSidesUntilResolvedThenTheResolutionFlowsBothWays() {
        MemoryBackend crm = conflicting("manual");
        JsonNode stats = h.runOk("crm");
        assertThat(stats.at("/inbound/conflicts").asLong()).isEqualTo(1);
        List<ConflictRecord> open = h.engine.conflicts(ConflictState.OPEN, "crm", 10);
        assertThat(open).singleElement().satisfies(c -> {
            assertThat(c.hubData()).contains("Ada (hub)");
            assertThat(c.endpointData()).contains("Ada (crm)");
        });
        assertThat(EngineHarness.objects(crm).values()).singleElement()
                .satisfies(d -> assertThat(d.get("name").asText()).as("untouched while parked").isEqualTo("Ada (crm)"));
        h.runOk("crm");
        assertThat(h.engine.conflicts(ConflictState.OPEN, "crm", 10)).hasSize(1);

        h.engine.resolve(open.get(0).id(), "merged", EngineHarness.json("{\"name\":\"Ada (merged)\",\"at\":\"m\"}"));
        h.runOk("crm");
        assertThat(h.hub("people").values()).singleElement().satisfies(d -> assertThat(d.get("name").asText()).isEqualTo("Ada (merged)"));
        assertThat(EngineHarness.objects(crm).values()).singleElement()
                .satisfies(d -> assertThat(d.get("name").asText()).isEqualTo("Ada (merged)"));
        assertThat(h.engine.conflicts(ConflictState.OPEN, null, 10)).isEmpty();
        assertThat(h.engine.conflicts(ConflictState.RESOLVED, "crm", 10)).singleElement()
                .satisfies(c -> assertThat(c.decision()).isEqualTo("merged"));
        assertThatThrownBy(() -> h.engine.resolve(open.get(0).id(), "hub", null)).hasMessageContaining("already resolved");
    }

    @Test
    void anOutboundConflictIsFoundByTheExpectedVersion() {
        MemoryBackend erp = h.memoryEndpoint("erp");
        h.link("erp", "erp", "people", "\"direction\":\"out\",\"conflictPolicy\":\"hubWins\"");
        hubPut("people", "p1", "{\"name\":\"Ada\"}");
        h.runOk("erp");
        Uid uid = new Uid(h.engine.mappings("erp").get(0).uid());
        erp.update(EngineHarness.ITEMS, uid, null, Map.of("name", "Ada (erp)"));
        hubPut("people", "p1", "{\"name\":\"Ada (hub)\"}");
        JsonNode stats = h.runOk("erp");
        assertThat(stats.at("/outbound/conflicts").asLong()).isEqualTo(1);
        assertThat(EngineHarness.objects(erp).values()).singleElement()
                .satisfies(d -> assertThat(d.get("name").asText()).isEqualTo("Ada (hub)"));
        assertThat(h.engine.conflicts(ConflictState.RESOLVED, "erp", 10)).singleElement()
                .satisfies(c -> assertThat(c.detail()).contains("outbound"));
    }

    // ---- deletions

    @Test
    void trackedDeletionsAreConsumedInOrder() {
        MemoryBackend crm = h.memoryEndpoint("crm", "\"reportDeletions\":false", null);
        Uid a = crm.create(EngineHarness.ITEMS, null, item("a", 1)).uid();
        crm.create(EngineHarness.ITEMS, null, item("b", 2));
        h.link("crm", "crm", "people", "\"direction\":\"in\",\"deletionDetection\":\"tracked\"");
        h.runOk("crm");
        crm.delete(EngineHarness.ITEMS, a, null);
        h.runOk("crm");
        assertThat(h.hub("people")).hasSize(2);
        h.engine.reportDeletions("crm", "items", List.of(a.value()));
        h.runOk("crm");
        assertThat(h.hub("people").values()).extracting(d -> d.get("name").asText()).containsExactly("b");
        assertThat(h.runOk("crm").at("/inbound/deleted").asLong()).as("consumed once").isZero();
    }

    @Test
    void enumerationFindsWhatTheConnectorDoesNotReport() {
        MemoryBackend crm = h.memoryEndpoint("crm", "\"reportDeletions\":false", null);
        for (int i = 0; i < 10; i++) {
            crm.create(EngineHarness.ITEMS, null, item("o" + i, i));
        }
        h.link("crm", "crm", "people", "\"direction\":\"in\",\"deletionDetection\":\"enumerate\"");
        h.runOk("crm");
        crm.delete(EngineHarness.ITEMS, new Uid("m3"), null);
        crm.delete(EngineHarness.ITEMS, new Uid("m7"), null);
        JsonNode stats = h.runOk("crm");
        assertThat(stats.at("/inbound/deleted").asLong()).isEqualTo(2);
        assertThat(h.hub("people")).hasSize(8);
        assertThat(h.engine.mappings("crm")).extracting(m -> m.uid()).doesNotContain("m3", "m7").hasSize(8);
    }

    @Test
    void countRangeBisectionFindsExactlyTheDeletedIds() {
        MemoryBackend crm = h.memoryEndpoint("crm", "\"reportDeletions\":false", null);
        for (int i = 1; i <= 100; i++) {
            crm.create(EngineHarness.ITEMS, Integer.toString(i * 3), item("o" + i, i));
        }
        h.link("crm", "crm", "people", "\"direction\":\"in\",\"deletionDetection\":\"countRange\"");
        h.runOk("crm");
        for (int id : new int[] {3, 150, 151 * 0 + 153, 300}) {
            crm.delete(EngineHarness.ITEMS, new Uid(Integer.toString(id)), null);
        }
        JsonNode stats = h.runOk("crm");
        assertThat(stats.at("/inbound/deleted").asLong()).isEqualTo(4);
        assertThat(h.engine.mappings("crm")).extracting(m -> m.uid()).doesNotContain("3", "150", "153", "300").hasSize(96);
    }

    // ---- recovery

    @Test
    void retryableFailuresAreRetriedAndOthersFailTheRunAtTheLastDurablePoint() {
        MemoryBackend crm = h.memoryEndpoint("crm");
        for (int i = 0; i < 1200; i++) {
            crm.create(EngineHarness.ITEMS, null, item("o" + i, i));
        }
        h.link("crm", "crm", "people", "\"direction\":\"in\"");
        crm.faults().failCall("sync", 1, new ConnectorIOException("network hiccup"));
        JsonNode stats = h.runOk("crm");
        assertThat(stats.at("/inbound/errors").asLong()).isEqualTo(1);
        assertThat(h.hub("people")).hasSize(1200);

        int batch = LinkRun.INBOUND_BATCH;
        for (int i = 0; i < batch + 500; i++) {
            crm.create(EngineHarness.ITEMS, null, item("p" + i, i));
        }
        crm.faults().failSyncAfter(batch + 100, new ConnectorException("the system refused"));
        RunRecord failed = h.run("crm");
        assertThat(failed.state()).isEqualTo("failed");
        assertThat(failed.error()).contains("the system refused");
        assertThat(h.hub("people")).as("the first batch was durable").hasSize(1200 + batch);
        JsonNode resumed = h.runOk("crm");
        assertThat(resumed.at("/inbound/read").asLong()).as("resumed after the durable batch").isEqualTo(500);
        assertThat(h.hub("people")).hasSize(1200 + batch + 500);
    }

    @Test
    void aRefusedTokenFallsBackToAFullReconciliation() {
        MemoryBackend crm = h.memoryEndpoint("crm");
        for (int i = 0; i < 5; i++) {
            crm.create(EngineHarness.ITEMS, null, item("o" + i, i));
        }
        h.link("crm", "crm", "people", "\"direction\":\"in\"");
        h.runOk("crm");
        crm.delete(EngineHarness.ITEMS, new Uid("m2"), null); // o1
        crm.update(EngineHarness.ITEMS, new Uid("m4"), null, Map.of("name", "three")); // o3
        crm.create(EngineHarness.ITEMS, null, item("new", 9));
        crm.truncateJournal();
        JsonNode stats = h.runOk("crm");
        assertThat(stats.at("/reconciled").asBoolean()).isTrue();
        assertThat(h.hub("people").values()).extracting(d -> d.get("name").asText())
                .containsExactlyInAnyOrder("o0", "o2", "three", "o4", "new");
        crm.create(EngineHarness.ITEMS, null, item("after", 10));
        JsonNode next = h.runOk("crm");
        assertThat(next.at("/reconciled").asBoolean()).isFalse();
        assertThat(next.at("/inbound/created").asLong()).isEqualTo(1);
    }

    @Test
    void syncAgainIsHonoredButBounded() {
        MemoryBackend crm = h.memoryEndpoint("crm");
        h.link("crm", "crm", "people", "\"direction\":\"in\"");
        crm.faults().requestSyncAgain(2);
        assertThat(h.runOk("crm").at("/syncAgain").asLong()).isEqualTo(2);
        crm.faults().requestSyncAgain(100);
        assertThat(h.runOk("crm").at("/syncAgain").asLong()).isEqualTo(3);
    }

    // ---- runs

    @Test
    void runModesAreEnforcedAndALinkRunsOneAtATime() {
        MemoryBackend crm = h.memoryEndpoint("crm", "", "[\"scheduled\"]");
        h.link("crm", "crm", "people", "");
        assertThatThrownBy(() -> h.engine.startRun("crm", RunMode.MANUAL)).isInstanceOf(RunNotAllowedException.class)
                .hasMessageContaining("scheduled");
        assertThatThrownBy(() -> h.engine.trigger("crm")).isInstanceOf(RunNotAllowedException.class);

        h.memoryEndpoint("erp").faults().delay("sync", Duration.ofMillis(500));
        h.link("erp", "erp", "people", "");
        RunRecord first = h.engine.startRun("erp", RunMode.MANUAL);
        assertThatThrownBy(() -> h.engine.startRun("erp", RunMode.MANUAL)).isInstanceOf(Runs.AlreadyActiveException.class);
        assertThat(h.engine.trigger("erp")).as("an external request joins the active run").isEmpty();
        assertThat(crm.head()).isZero();
        try {
            assertThat(h.engine.await(first.id(), Duration.ofMinutes(1)).state()).isEqualTo("succeeded");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertThat(h.engine.runs("erp", null, 10)).hasSize(1);
    }

    @Test
    void schedulesSurviveARestartAndInterruptedRunsAreMarkedFailed() {
        h.memoryEndpoint("crm");
        h.link("crm", "crm", "people", "\"schedule\":\"PT5M\"");
        h.engine.tick();
        assertThat(h.engine.runs("crm", null, 10)).isEmpty();
        h.clock.advance(Duration.ofMinutes(6));
        h.restart();
        h.engine.tick();
        assertThat(h.engine.runs("crm", null, 10)).singleElement().satisfies(r -> assertThat(r.mode()).isEqualTo("scheduled"));

        RunRecord stuck = h.store.runs().create("crm-ghost", "manual");
        h.store.runs().update(stuck.id(), "running", "inbound", 0.5, "{}", null);
        h.restart();
        assertThat(h.store.runs().get(stuck.id()).orElseThrow().state()).isEqualTo("failed");
    }

    /** Ticks the scheduler a schedule period later and waits for the scheduled run it starts. */
    private RunRecord scheduledRun(String link, Duration period) throws InterruptedException {
        h.clock.advance(period);
        h.engine.tick();
        RunRecord started = h.engine.runs(link, "queued", 1).stream().findFirst()
                .or(() -> h.engine.runs(link, "running", 1).stream().findFirst())
                .or(() -> h.engine.runs(link, null, 1).stream().findFirst()).orElseThrow();
        return h.engine.await(started.id(), Duration.ofMinutes(1));
    }

    @Test
    void scheduledRunsThatChangeNothingKeepOneRowAndHistoryHasARetention() throws Exception {
        MemoryBackend crm = h.memoryEndpoint("crm");
        h.link("crm", "crm", "people", "\"schedule\":\"PT1M\",\"direction\":\"in\"");
        h.engine.tick();
        for (int i = 0; i < 5; i++) {
            assertThat(scheduledRun("crm", Duration.ofMinutes(1)).state()).isEqualTo("succeeded");
        }
        assertThat(h.engine.runs("crm", null, 100)).as("five quiet runs, one row: the newest").hasSize(1);
        String quiet = h.engine.runs("crm", null, 1).get(0).id();

        crm.create(EngineHarness.ITEMS, "p1", java.util.Map.of("name", "Ada"));
        RunRecord busy = scheduledRun("crm", Duration.ofMinutes(1));
        assertThat(h.store.runs().get(busy.id()).orElseThrow().stats()).contains("\"created\":1");
        scheduledRun("crm", Duration.ofMinutes(1));
        scheduledRun("crm", Duration.ofMinutes(1));
        assertThat(h.engine.runs("crm", null, 100)).extracting(RunRecord::id).as("the run that did something stays")
                .contains(busy.id(), quiet).hasSize(3);
        RunRecord manual = h.run("crm");
        assertThat(h.engine.runs("crm", null, 100)).as("a run someone started stays").extracting(RunRecord::id)
                .contains(manual.id());

        // Finished runs past the retention (30 days by default) leave the history.
        h.clock.advance(Duration.ofDays(31));
        h.engine.tick();
        RunRecord after = h.engine.await(h.engine.runs("crm", null, 1).get(0).id(), Duration.ofMinutes(1));
        assertThat(h.engine.runs("crm", null, 100)).extracting(RunRecord::id).containsExactly(after.id());
    }

    @Test
    void aLongInboundRunReportsProgressAsItGoes() throws Exception {
        MemoryBackend backend = MemoryBackend.named("progress-" + java.util.UUID.randomUUID());
        for (int i = 0; i < 10_000; i++) {
            backend.create(EngineHarness.ITEMS, "p" + i, java.util.Map.of("n", i));
        }
        h.engine.putEndpoint("slow", EngineHarness.json("{\"connector\":\"syncOnly\",\"config\":{\"backend\":\""
                + backend.name() + "\",\"pauseEvery\":1000}}"));
        h.link("slow", "slow", "numbers", "\"direction\":\"in\"");
        List<RunEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        h.engine.onEveryRun(events::add);
        RunRecord run = h.run("slow");
        MemoryBackend.drop(backend.name());
        assertThat(run.state()).isEqualTo("succeeded");
        List<RunEvent> inbound = events.stream().filter(e -> e.phase().equals("inbound")).toList();
        assertThat(inbound).as("progress reported during the inbound read").hasSizeGreaterThanOrEqualTo(3);
        for (int i = 1; i < inbound.size(); i++) {
            assertThat(inbound.get(i).progress()).isGreaterThanOrEqualTo(inbound.get(i - 1).progress());
            assertThat(inbound.get(i).stats().inbound().read())
                    .isGreaterThanOrEqualTo(inbound.get(i - 1).stats().inbound().read());
        }
        RunEvent last = inbound.get(inbound.size() - 1);
        assertThat(last.progress()).isBetween(0.1, 0.9);
        assertThat(last.stats().inbound().read()).isGreaterThanOrEqualTo(4_000);
    }

    @Test
    void definitionsAreValidatedWithEveryProblemReported() {
        assertThatThrownBy(() -> h.engine.putEndpoint("bad name", EngineHarness.json(
                "{\"connector\":\"nope\",\"allowedRunModes\":[\"sometimes\"],\"colour\":1}")))
                .isInstanceOfSatisfying(InvalidDefinitionException.class, e -> assertThat(e.problems()).hasSize(4));
        assertThatThrownBy(() -> h.engine.putEndpoint("crm", EngineHarness.json(
                "{\"connector\":\"memory\",\"config\":{\"clockOffset\":\"soon\"}}")))
                .isInstanceOfSatisfying(InvalidDefinitionException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("config: 'backend' is required"))
                        .anySatisfy(p -> assertThat(p).contains("'clockOffset'")));
        h.memoryEndpoint("crm");
        assertThatThrownBy(() -> h.engine.putLink("l", EngineHarness.json("{\"endpoint\":\"nope\",\"objectClass\":\"a b\","
                + "\"collection\":\"c\",\"direction\":\"sideways\",\"conflictPolicy\":\"lastWriterWins\",\"schedule\":\"often\","
                + "\"deletionDetection\":\"psychic\"}")))
                .isInstanceOfSatisfying(InvalidDefinitionException.class, e -> assertThat(e.problems()).hasSize(6)
                        .anySatisfy(p -> assertThat(p).contains("'timestampField' is required")));
        assertThatThrownBy(() -> h.engine.putLink("l", EngineHarness.json("{\"endpoint\":\"crm\",\"objectClass\":\"items\","
                + "\"collection\":\"c\",\"recordIds\":\"keys\"}")))
                .isInstanceOfSatisfying(InvalidDefinitionException.class, e -> assertThat(e.problems())
                        .containsExactly("'recordIds' is 'keys'; use generated (new ids, the default) or endpointKey (the "
                                + "endpoint object's key becomes the hub record's id)"));
        assertThatThrownBy(() -> h.engine.putLink("l", EngineHarness.json("{\"endpoint\":\"crm\",\"objectClass\":\"items\","
                + "\"collection\":\"c\",\"direction\":\"out\",\"recordIds\":\"endpointKey\"}")))
                .isInstanceOfSatisfying(InvalidDefinitionException.class, e -> assertThat(e.problems())
                        .singleElement().asString().contains("an 'out' link brings none in"));
        h.link("keys", "crm", "items", "\"recordIds\":\"endpointKey\"");
        assertThat(Definitions.toJson(h.engine.link("keys").orElseThrow()).get("recordIds").asText()).isEqualTo("endpointKey");
    }
}
