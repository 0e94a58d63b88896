package dev.tributary.esa;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stamps as the protocol writes them sort as text the way they sort in time — also on whole seconds. */
class EsaTimeTest {

    @Test
    void stampsSortAsTextAsTheySortInTime() {
        Instant start = Instant.parse("2024-02-29T10:11:11.998Z");
        List<String> texts = new ArrayList<>();
        for (int millis = 0; millis < 1500; millis++) {
            texts.add(EsaTime.format(start.plusMillis(millis)));
        }
        assertThat(texts).as("text order is time order, across whole seconds").isSorted();
        assertThat(EsaTime.format(Instant.parse("2024-02-29T10:11:12Z"))).isEqualTo("2024-02-29T10:11:12.000Z");
        assertThat(EsaTime.parse(EsaTime.format(start))).isEqualTo(start);
    }
}
