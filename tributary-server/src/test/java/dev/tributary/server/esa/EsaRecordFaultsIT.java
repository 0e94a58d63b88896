package dev.tributary.server.esa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.esa.EsaFault;
import dev.tributary.esa.EsaField;
import dev.tributary.esa.EsaParameter;
import dev.tributary.esa.EsaRecord;
import dev.tributary.esa.EsaRelation;
import dev.tributary.esa.EsaStructure;
import dev.tributary.esa.kit.EsaServer;
import dev.tributary.esa.kit.ExternalSystemAdapter;
import dev.tributary.esa.kit.HelperApi;
import dev.tributary.esa.reference.FaultySqliteEsa;
import dev.tributary.server.TestHub;
import dev.tributary.server.TestHub.Answer;
import dev.tributary.store.StoreBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of single records and of the adapter part-way through a run: a record the adapter
 * refuses ({@code EsaRecordException}) is recorded and skipped while the run goes on, and a run
 * that fails after some writes keeps what they taught it (no object is created twice).
 */
class EsaRecordFaultsIT {

    @TempDir
    Path dir;

    private TestHub hub;
    private FaultySqliteEsa esa;
    private Faulty adapter;
    private EsaServer server;

    /** The reference adapter, refusing records by name and failing the n-th create when told to. */
    private static final class Faulty implements ExternalSystemAdapter {
        final FaultySqliteEsa inner;
        final Set<String> refused = ConcurrentHashMap.newKeySet();
        final AtomicInteger creates = new AtomicInteger();
        volatile int failCreate = -1;

        Faulty(FaultySqliteEsa inner) {
            this.inner = inner;
        }

        private void check(EsaRecord record) {
            List<String> name = record.values().get("name");
            if (name != null && !name.isEmpty() && refused.contains(name.get(0))) {
                throw EsaFault.record(record.id(), "name '" + name.get(0) + "' is on the adapter's block list");
            }
        }

        @Override
        public String startSync(String externalSystemId) {
            return inner.startSync(externalSystemId);
        }

        @Override
        public void endSync() {
            inner.endSync();
        }

        @Override
        public String configure(String externalSystemId, boolean force, HelperApi helper) {
            return inner.configure(externalSystemId, force, helper);
        }

        @Override
        public int allowedRunModes() {
            return inner.allowedRunModes();
        }

        @Override
        public Instant currentTime() {
            return inner.currentTime();
        }

        @Override
        public List<EsaParameter> parametersMeta(String locale) {
            return inner.parametersMeta(locale);
        }

        @Override
        public List<EsaStructure> structures() {
            return inner.structures();
        }

        @Override
        public List<EsaField> fields(String structure, String locale) {
            return inner.fields(structure, locale);
        }

        @Override
        public List<EsaRelation> relations(String structure, String locale) {
            return inner.relations(structure, locale);
        }

        @Override
        public List<EsaRecord> modified(String structure, Instant after) {
            return inner.modified(structure, after);
        }

        @Override
        public List<Deletion> deleted(String structure, Instant after) {
            return inner.deleted(structure, after);
        }

        @Override
        public EsaRecord read(String structure, String id) {
            return inner.read(structure, id);
        }

        @Override
        public Written create(String structure, EsaRecord record) {
            check(record);
            if (creates.incrementAndGet() == failCreate) {
                throw EsaFault.failed("the external system went down");
            }
            return inner.create(structure, record);
        }

        @Override
        public Written update(String structure, Instant lastSeen, EsaRecord record) {
            check(record);
            return inner.update(structure, lastSeen, record);
        }

        @Override
        public void delete(String structure, Instant lastSeen, String id) {
            inner.delete(structure, lastSeen, id);
        }

        @Override
        public Written checkDelayed(String structure, String token) {
            return inner.checkDelayed(structure, token);
        }
    }

    @BeforeEach
    void start() throws Exception {
        hub = new TestHub(StoreBackend.sqlite());
        esa = new FaultySqliteEsa(dir.resolve("crm.db"), Map.of("people", "name TEXT"));
        adapter = new Faulty(esa);
        server = EsaServer.start(adapter, 0, EsaServer.Options.defaults().withToken("esa-token"));
        Answer endpoint = hub.put("/v1/endpoints/crm", "{\"connector\":\"esa\",\"config\":{\"url\":\"" + server.uri()
                + "\",\"token\":\"esa-token\",\"delayedPollInterval\":\"PT0.01S\"}}");
        assertThat(endpoint.status()).as(endpoint.text()).isEqualTo(201);
        Answer link = hub.put("/v1/links/out", "{\"endpoint\":\"crm\",\"objectClass\":\"people\",\"collection\":\"people\","
                + "\"direction\":\"out\",\"conflictPolicy\":\"hubWins\"}");
        assertThat(link.status()).as(link.text()).isEqualTo(201);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        esa.close();
        hub.close();
    }

    private void person(String id, String name) {
        Answer answer = hub.put("/v1/collections/people/records/" + id, "{\"data\":{\"name\":\"" + name + "\"}}");
        assertThat(answer.status()).as(answer.text()).isIn(200, 201);
    }

    private JsonNode run(String expected) {
        Answer started = hub.post("/v1/links/out/runs", "");
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        String id = started.json().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() ->
                List.of("succeeded", "failed", "cancelled").contains(hub.get("/v1/runs/" + id).json().get("state").asText()));
        JsonNode run = hub.get("/v1/runs/" + id).json();
        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo(expected);
        return run;
    }

    private List<String> adapterNames() {
        return esa.all("people").values().stream().map(r -> r.value("name")).map(String::valueOf).sorted().toList();
    }

    private JsonNode rejected() {
        return hub.get("/v1/conflicts?state=rejected&link=out").json().get("items");
    }

    /** The id of the listed refusal of a record; fails when there is none. */
    private String refusalOf(String recordId) {
        for (JsonNode conflict : rejected()) {
            if (conflict.get("recordId").asText().equals(recordId)) {
                return conflict.get("id").asText();
            }
        }
        throw new AssertionError("no refusal of " + recordId + " is listed: " + rejected());
    }

    @Test
    void aRecordTheAdapterRefusesIsRecordedAndSkippedAndTheRunGoesOn() {
        adapter.refused.add("Bad");
        person("a", "Ann");
        person("b", "Bad");
        person("c", "Cid");
        JsonNode first = run("succeeded");
        assertThat(first.at("/stats/outbound/rejected").asLong()).as(first.toString()).isEqualTo(1);
        assertThat(first.at("/stats/outbound/created").asLong()).isEqualTo(2);
        assertThat(adapterNames()).containsExactly("Ann", "Cid");
        assertThat(rejected()).hasSize(1);
        assertThat(rejected().get(0).get("recordId").asText()).isEqualTo("b");
        assertThat(rejected().get(0).get("detail").asText()).contains("block list");
        assertThat(hub.get("/metrics").text()).contains("tributary_rejected_total{link=\"out\"} 1.0");

        // The next run does not fail on it again, nor send it again unchanged.
        JsonNode second = run("succeeded");
        assertThat(second.at("/stats/outbound/rejected").asLong()).isZero();

        // Changed on the hub, it goes again.
        person("b", "Bea");
        run("succeeded");
        assertThat(adapterNames()).containsExactly("Ann", "Bea", "Cid");
        assertThat(rejected()).as("its refusal is over").isEmpty();
        assertThat(hub.get("/v1/conflicts?state=resolved&link=out").json().at("/items/0/decision").asText()).isEqualTo("superseded");

        // Or on request, once the adapter takes it.
        adapter.refused.add("Dan");
        person("d", "Dan");
        run("succeeded");
        String refusal = refusalOf("d");
        Answer wrongTake = hub.post("/v1/conflicts/" + refusal + "/resolve", "{\"take\":\"endpoint\"}");
        assertThat(wrongTake.status()).isEqualTo(400);
        adapter.refused.remove("Dan");
        Answer retry = hub.post("/v1/conflicts/" + refusal + "/resolve", "{\"take\":\"hub\"}");
        assertThat(retry.status()).as(retry.text()).isEqualTo(200);
        assertThat(retry.json().get("decision").asText()).isEqualTo("retried");
        run("succeeded");
        assertThat(adapterNames()).containsExactly("Ann", "Bea", "Cid", "Dan");

        // Or skipped: settled without being written again, until it changes on the hub.
        adapter.refused.add("Eve");
        person("e", "Eve");
        run("succeeded");
        String eve = refusalOf("e");
        adapter.refused.remove("Eve");
        Answer skip = hub.post("/v1/conflicts/" + eve + "/resolve", "{\"take\":\"skip\"}");
        assertThat(skip.status()).as(skip.text()).isEqualTo(200);
        assertThat(skip.json().get("decision").asText()).isEqualTo("skipped");
        assertThat(hub.post("/v1/conflicts/" + eve + "/resolve", "{\"take\":\"skip\"}").status())
                .as("settled once").isEqualTo(409);
        run("succeeded");
        assertThat(adapterNames()).as("a skipped record is not written").containsExactly("Ann", "Bea", "Cid", "Dan");
        person("e", "Eve Again");
        run("succeeded");
        assertThat(adapterNames()).as("until it changes").containsExactly("Ann", "Bea", "Cid", "Dan", "Eve Again");
    }

    @Test
    void aRunThatFailsPartWayKeepsWhatItsWritesLearnedAndCreatesNothingTwice() {
        esa.delayedWrites(true);
        adapter.failCreate = 3;
        for (String name : List.of("Ann", "Bob", "Cid", "Dan")) {
            person(name.toLowerCase(), name);
        }
        run("failed");
        assertThat(adapterNames()).containsExactly("Ann", "Bob");
        run("succeeded");
        assertThat(adapterNames()).as("nothing created twice").containsExactly("Ann", "Bob", "Cid", "Dan");
    }
}
