package dev.tributary.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.Uid;
import dev.tributary.connectors.memory.MemoryBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * lastWriterWins between two endpoints: crm's edit is older than erp's (by 0.2 s of real time,
 * erp's clock running 10 minutes fast). Whichever link runs first, erp's edit must win
 * everywhere — the hub compares the changes' own (clock-corrected) times, not when a change
 * happened to reach the hub.
 */
class LastWriterWinsIgnoresRunOrderIT {

    private static final Instant EDIT = Instant.parse("2026-01-01T00:00:10Z");

    @Test
    void theLaterEditWinsWhenTheOlderEndpointsLinkRunsFirst() {
        converge(true);
    }

    @Test
    void theLaterEditWinsWhenTheNewerEndpointsLinkRunsFirst() {
        converge(false);
    }

    private static void converge(boolean olderFirst) {
        try (EngineHarness h = new EngineHarness()) {
            MemoryBackend crm = h.memoryEndpoint("crm");
            MemoryBackend erp = h.memoryEndpoint("erp", "\"clockOffset\":\"PT10M\"", null);
            crm.setClock(h.clock);
            erp.setClock(h.clock);
            String policy = "\"conflictPolicy\":\"lastWriterWins\",\"timestampField\":\"at\"";
            h.link("crm", "crm", "people", policy);
            h.link("erp", "erp", "people", policy);
            Uid onCrm = crm.create(EngineHarness.ITEMS, null, Map.of("name", "Ada", "at", "2026-01-01T00:00:00Z")).uid();
            h.runOk("crm");
            h.runOk("erp");
            Uid onErp = erp.all(EngineHarness.ITEMS).get(0).uid();

            h.clock.advance(Duration.ofMinutes(1));
            crm.update(EngineHarness.ITEMS, onCrm, null, Map.of("name", "Ada (crm)", "at", EDIT.toString()));
            erp.update(EngineHarness.ITEMS, onErp, null, Map.of("name", "Ada (erp)",
                    "at", EDIT.plusMillis(200).plus(Duration.ofMinutes(10)).toString()));
            h.clock.advance(Duration.ofMinutes(1));

            String[] order = olderFirst ? new String[] {"crm", "erp"} : new String[] {"erp", "crm"};
            for (int round = 0; round < 2; round++) {
                for (String link : order) {
                    h.runOk(link);
                }
            }
            assertThat(h.hub("people").values()).singleElement()
                    .satisfies(d -> assertThat(d.get("name").asText()).isEqualTo("Ada (erp)"));
            assertThat(EngineHarness.objects(crm).values()).singleElement()
                    .satisfies(d -> assertThat(d.get("name").asText()).isEqualTo("Ada (erp)"));
            assertThat(EngineHarness.objects(erp).values()).singleElement()
                    .satisfies(d -> assertThat(d.get("name").asText()).isEqualTo("Ada (erp)"));
        }
    }
}
