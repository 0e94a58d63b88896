package dev.tributary.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.store.IdMapping;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchMappingsTest {

    private static IdMapping mapping(String uid, String record) {
        return new IdMapping("l", uid, record, 1, "v", Instant.EPOCH);
    }

    @Test
    void removingARecordTakesOutEveryUidStillMappedToItAndNothingElse() {
        InboundApplier.BatchMappings mappings = new InboundApplier.BatchMappings(
                Map.of("u1", mapping("u1", "r1"), "u2", mapping("u2", "r2")));
        mappings.put("u3", mapping("u3", "r1"));      // a second uid for r1
        mappings.put("u2", mapping("u2", "r9"));      // u2 moved on from r2
        mappings.remove("u1");
        mappings.put("u1", mapping("u1", "r5"));      // u1 taken out by uid, then put for another record

        mappings.removeRecord("r1");
        assertThat(mappings).containsOnlyKeys("u1", "u2");
        mappings.removeRecord("r2");                   // nobody holds r2 any longer
        assertThat(mappings).containsOnlyKeys("u1", "u2");
        mappings.removeRecord("r9");
        assertThat(mappings).containsOnlyKeys("u1");
        assertThat(mappings.get("u1").recordId()).isEqualTo("r5");
        mappings.removeRecord("r5");
        assertThat(mappings).isEmpty();
    }
}
