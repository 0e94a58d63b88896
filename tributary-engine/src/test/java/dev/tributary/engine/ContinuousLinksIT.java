package dev.tributary.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.connector.ConnectorIOException;
import dev.tributary.connector.Uid;
import dev.tributary.connectors.memory.MemoryBackend;
import dev.tributary.store.RecordWrite;
import dev.tributary.store.RunRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Continuous links: changes cross with no run started by anyone, no echo, one history row per
 * session, degraded and recovered by themselves, paused and resumed, and out of the way of a
 * run someone starts. The memory connector has no change notifications, so these links poll.
 */
class ContinuousLinksIT {

    private final EngineHarness h = new EngineHarness();

    @AfterEach
    void close() {
        h.close();
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            sleep(10);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> names(MemoryBackend backend, String field) {
        return EngineHarness.objects(backend).values().stream().map(d -> d.path(field).asText()).sorted().toList();
    }

    private String status(String link) {
        return h.engine.activity(link).orElseThrow().status();
    }

    private void continuousPair(MemoryBackend crm, MemoryBackend erp) {
        h.link("crm", "crm", "people", "\"mode\":\"continuous\",\"fieldMap\":{\"name\":\"full_name\"}");
        h.link("erp", "erp", "people", "\"mode\":\"continuous\",\"fieldMap\":{\"name\":\"name\"}");
    }

    @Test
    void changesCrossBothWaysWithNoRunStartedAndNothingEchoes() {
        MemoryBackend crm = h.memoryEndpoint("crm");
        MemoryBackend erp = h.memoryEndpoint("erp");
        crm.create(EngineHarness.ITEMS, null, Map.of("full_name", "Ada"));
        continuousPair(crm, erp);
        await("Ada reaches the ERP", () -> names(erp, "name").equals(List.of("Ada")));
        await("both links live", () -> status("crm").equals("live") && status("erp").equals("live"));

        Uid grace = erp.create(EngineHarness.ITEMS, null, Map.of("name", "Grace")).uid();
        await("Grace reaches the CRM", () -> names(crm, "full_name").equals(List.of("Ada", "Grace")));
        erp.update(EngineHarness.ITEMS, grace, null, Map.of("name", "Grace H."));
        await("the rename reaches the CRM", () -> names(crm, "full_name").equals(List.of("Ada", "Grace H.")));
        h.store.changeLog().apply("people", List.of(RecordWrite.put("from-http", "{\"name\":\"Linus\"}")), "http:test");
        await("a client's write reaches both", () -> names(crm, "full_name").contains("Linus")
                && names(erp, "name").contains("Linus"));

        // Settled: neither side changes any more (an echo would write again and again).
        long crmHead = crm.head();
        long erpHead = erp.head();
        sleep(1_000);
        assertThat(crm.head()).as("no echo into the CRM").isEqualTo(crmHead);
        assertThat(erp.head()).as("no echo into the ERP").isEqualTo(erpHead);
        // Ada, then Grace and her rename, then Linus: every change written once to the side that lacked it.
        assertThat(crmHead).isEqualTo(4);
        assertThat(erpHead).isEqualTo(4);

        // One row in the history per link: its session, whose stats add up over the passes.
        await("the stats saved", () -> h.store.runs().list("crm", null, 10).get(0).stats().contains("\"updated\":1"));
        List<RunRecord> runs = h.store.runs().list("crm", null, 10);
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).mode()).isEqualTo("continuous");
        assertThat(runs.get(0).state()).isEqualTo("running");
        JsonNode stats = EngineHarness.json(runs.get(0).stats());
        assertThat(stats.at("/outbound/created").asLong()).as("Grace and Linus").isEqualTo(2);
        assertThat(stats.at("/outbound/updated").asLong()).as("Grace's rename").isEqualTo(1);
        assertThat(h.engine.lag("crm").orElseThrow().outbound().changes()).isZero();
    }

    @Test
    void aDownEndpointDegradesItsLinkOnlyAndRecoversByItself() {
        MemoryBackend crm = h.memoryEndpoint("crm");
        MemoryBackend erp = h.memoryEndpoint("erp");
        continuousPair(crm, erp);
        await("both live", () -> status("crm").equals("live") && status("erp").equals("live"));

        crm.faults().down(new ConnectorIOException("crm is unreachable"));
        await("crm degraded", () -> status("crm").equals("degraded"));
        assertThat(h.engine.activity("crm").orElseThrow().error()).contains("crm is unreachable");

        // The other link goes on meanwhile: the ERP's change reaches the hub.
        erp.create(EngineHarness.ITEMS, null, Map.of("name", "Grace"));
        await("Grace in the hub", () -> h.hub("people").values().stream().anyMatch(d -> d.path("name").asText().equals("Grace")));
        assertThat(status("erp")).isEqualTo("live");

        crm.faults().up();
        await("Grace reaches the CRM once it is back", () -> names(crm, "full_name").equals(List.of("Grace")));
        await("crm live again", () -> status("crm").equals("live"));
        assertThat(h.engine.activity("crm").orElseThrow().error()).isNull();
        assertThat(h.store.runs().list("crm", null, 10)).as("the same session throughout").hasSize(1);
    }

    @Test
    void pauseEndsTheSessionResumeStartsOneAndAManualRunTakesItsTurn() {
        MemoryBackend crm = h.memoryEndpoint("crm");
        MemoryBackend erp = h.memoryEndpoint("erp");
        continuousPair(crm, erp);
        await("crm live", () -> status("crm").equals("live"));
        String first = h.engine.activity("crm").orElseThrow().run();

        h.engine.pause("crm");
        assertThat(status("crm")).isEqualTo("paused");
        RunRecord ended = h.store.runs().get(first).orElseThrow();
        assertThat(ended.state()).isEqualTo("succeeded");
        assertThat(ended.phase()).isEqualTo("ended: paused");
        crm.create(EngineHarness.ITEMS, null, Map.of("full_name", "Ada"));
        sleep(500);
        assertThat(names(erp, "name")).as("a paused link moves nothing").isEmpty();
        assertThatThrownBy(() -> h.engine.startRun("crm", RunMode.MANUAL)).hasMessageContaining("is paused");

        h.engine.resume("crm");
        await("Ada crosses after the resume", () -> names(erp, "name").equals(List.of("Ada")));
        String second = h.engine.activity("crm").orElseThrow().run();
        assertThat(second).isNotEqualTo(first);

        // A manual run ends the session, runs, and the session starts again after it.
        JsonNode stats = h.runOk("crm");
        assertThat(stats.at("/inbound/read").asLong()).as("the session had read everything").isZero();
        await("a new session after the manual run", () -> {
            String run = h.engine.activity("crm").orElseThrow().run();
            return run != null && !run.equals(second) && status("crm").equals("live")
                    && h.store.runs().get(run).orElseThrow().mode().equals("continuous");
        });
        assertThat(h.store.runs().list("crm", null, 10)).extracting(RunRecord::mode)
                .as("two sessions ended, the manual run, the session now").containsExactlyInAnyOrder("continuous", "manual",
                        "continuous", "continuous");
        crm.create(EngineHarness.ITEMS, null, Map.of("full_name", "Barbara"));
        await("Barbara crosses", () -> names(erp, "name").equals(List.of("Ada", "Barbara")));
    }

    @Test
    void aChangedOrDeletedLinkEndsItsSessionAndBatchLinksHaveNone() {
        MemoryBackend crm = h.memoryEndpoint("crm");
        h.link("crm", "crm", "people", "\"mode\":\"continuous\",\"direction\":\"in\"");
        await("crm live", () -> status("crm").equals("live"));
        String first = h.engine.activity("crm").orElseThrow().run();

        h.link("crm", "crm", "people", "\"direction\":\"in\"");
        await("the old session ended", () -> !h.store.runs().get(first).orElseThrow().state().equals("running"));
        assertThat(h.store.runs().get(first).orElseThrow().phase()).isEqualTo("ended: the link changed");
        assertThat(status("crm")).isEqualTo("idle");
        crm.create(EngineHarness.ITEMS, null, Map.of("name", "Ada"));
        sleep(300);
        assertThat(h.hub("people")).as("a batch link waits to be run").isEmpty();

        h.link("crm", "crm", "people", "\"mode\":\"continuous\",\"direction\":\"in\"");
        await("Ada in the hub", () -> h.hub("people").size() == 1);
        String changed = h.engine.activity("crm").orElseThrow().run();
        assertThat(h.engine.trigger("crm")).as("an external trigger wakes the session and starts no run").isEmpty();
        assertThat(h.store.runs().active("crm").orElseThrow().id()).isEqualTo(changed);

        // New endpoint settings: the session starts again with them.
        String backend = h.engine.endpoint("crm").orElseThrow().config().get("backend").toString();
        h.engine.putEndpoint("crm", EngineHarness.json("{\"connector\":\"memory\",\"config\":{\"backend\":\"" + backend
                + "\",\"reportDeletions\":false}}"));
        await("the session ended", () -> !h.store.runs().get(changed).orElseThrow().state().equals("running"));
        assertThat(h.store.runs().get(changed).orElseThrow().phase()).isEqualTo("ended: the endpoint changed");
        await("a new session live", () -> status("crm").equals("live"));
        String session = h.engine.activity("crm").orElseThrow().run();
        assertThat(session).isNotEqualTo(changed);
        assertThat(h.engine.deleteLink("crm")).isTrue();
        RunRecord ended = h.store.runs().get(session).orElseThrow();
        assertThat(ended.state()).isEqualTo("succeeded");
        assertThat(ended.phase()).isEqualTo("ended: the link was deleted");
    }

    @Test
    void aCommitWakesAnOutLinkAtOnce() {
        MemoryBackend erp = h.memoryEndpoint("erp");
        h.link("erp", "erp", "people", "\"mode\":\"continuous\",\"direction\":\"out\"");
        await("erp live", () -> status("erp").equals("live"));
        sleep(300); // its first passes are done: an out link now waits for a commit (or its 30 s check)
        long written = System.nanoTime();
        h.store.changeLog().apply("people", List.of(RecordWrite.put("r1", "{\"name\":\"Ada\"}")), "http:test");
        await("Ada written out", () -> names(erp, "name").equals(List.of("Ada")));
        assertThat((System.nanoTime() - written) / 1_000_000).as("woken by the commit, not by a 30 s check")
                .isLessThan(5_000);
    }

    @Test
    void anEndpointThatHangsHoldsUpOnlyItsOwnLink() {
        MemoryBackend crm = h.memoryEndpoint("crm");
        MemoryBackend erp = h.memoryEndpoint("erp");
        continuousPair(crm, erp);
        await("both live", () -> status("crm").equals("live") && status("erp").equals("live"));
        crm.faults().delay("sync", Duration.ofSeconds(4));
        sleep(300); // crm's session is now inside a sync call that takes 4 s
        long start = System.nanoTime();
        erp.create(EngineHarness.ITEMS, null, Map.of("name", "Grace"));
        await("Grace reaches the hub while the CRM hangs",
                () -> h.hub("people").values().stream().anyMatch(d -> d.path("name").asText().equals("Grace")));
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
        crm.faults().clear();
        await("and the CRM once it answers", () -> names(crm, "full_name").equals(List.of("Grace")));
    }

    @Test
    void theDefinitionSaysWhatGoesWithContinuous() {
        h.memoryEndpoint("crm");
        h.memoryEndpoint("manual-only", "", "[\"manual\"]");
        assertThatThrownBy(() -> h.link("a", "crm", "people", "\"mode\":\"continuous\",\"schedule\":\"PT1M\""))
                .hasMessageContaining("'schedule' does not go with mode continuous");
        assertThatThrownBy(() -> h.link("b", "crm", "people", "\"mode\":\"often\""))
                .hasMessageContaining("'mode' is 'often'; use batch");
        assertThatThrownBy(() -> h.link("c", "manual-only", "people", "\"mode\":\"continuous\""))
                .hasMessageContaining("needs an endpoint that allows scheduled runs");
        h.link("d", "crm", "people", "\"mode\":\"continuous\"");
        assertThat(Definitions.toJson(h.engine.link("d").orElseThrow()).get("mode").asText()).isEqualTo("continuous");
        h.link("e", "crm", "people", "");
        assertThat(Definitions.toJson(h.engine.link("e").orElseThrow()).get("mode").asText()).isEqualTo("batch");
    }

    @Test
    void aRestartedHubStartsItsContinuousLinksAgain() {
        MemoryBackend crm = h.memoryEndpoint("crm");
        MemoryBackend erp = h.memoryEndpoint("erp");
        continuousPair(crm, erp);
        await("both live", () -> status("crm").equals("live") && status("erp").equals("live"));
        h.restart();
        assertThat(h.store.runs().list("crm", null, 10)).extracting(RunRecord::state).contains("succeeded");
        crm.create(EngineHarness.ITEMS, null, Map.of("full_name", "Ada"));
        await("Ada crosses after the restart", () -> names(erp, "name").equals(List.of("Ada")));
    }
}
