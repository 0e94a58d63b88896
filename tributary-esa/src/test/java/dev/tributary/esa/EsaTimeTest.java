package dev.tributary.esa;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

    /** The direct paths agree with java.time's formatter and parser on random instants over the whole range. */
    @Test
    void theDirectPathsAgreeWithJavaTime() {
        DateTimeFormatter reference = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
        long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        Random random = new Random(20261205);
        for (int i = 0; i < 200_000; i++) {
            Instant instant = Instant.ofEpochSecond(first + (long) (random.nextDouble() * (last - first)), random.nextInt(1_000_000_000));
            String text = EsaTime.format(instant);
            assertThat(text).isEqualTo(reference.format(instant.truncatedTo(ChronoUnit.MILLIS)));
            assertThat(EsaTime.parse(text)).isEqualTo(Instant.parse(text)).isEqualTo(instant.truncatedTo(ChronoUnit.MILLIS));
        }
        assertThat(EsaTime.format(Instant.parse("9999-12-31T23:59:59.999999Z"))).isEqualTo("9999-12-31T23:59:59.999Z");
        assertThatThrownBy(() -> EsaTime.format(Instant.parse("+10000-01-01T00:00:00Z")))
                .hasMessageContaining("outside the years 0000 to 9999");
    }

    /**
     * The last day written and read are remembered: records of a page mostly share a few days, so
     * the direct paths are checked on runs of instants within one day and flips between
     * neighbouring ones — across month, leap-year, year and epoch boundaries — and an impossible
     * date read right after a good one of the same month is still refused.
     */
    @Test
    void theRememberedDayNeverLeaksIntoAnotherDay() {
        DateTimeFormatter reference = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
        List<Instant> days = new ArrayList<>();
        for (String day : List.of("0000-01-01", "0000-02-29", "1969-12-31", "1970-01-01", "2023-02-28", "2023-03-01",
                "2024-02-28", "2024-02-29", "2024-03-01", "2024-12-31", "2025-01-01", "9999-12-31")) {
            days.add(Instant.parse(day + "T00:00:00Z"));
        }
        Random random = new Random(20261205);
        for (int i = 0; i < 50_000; i++) {
            // runs of the same day, then a jump to another
            Instant day = days.get(random.nextInt(8) == 0 ? random.nextInt(days.size()) : i / 50 % days.size());
            Instant instant = day.plusMillis(random.nextInt(86_400_000));
            String text = EsaTime.format(instant);
            assertThat(text).isEqualTo(reference.format(instant));
            assertThat(EsaTime.parse(text)).isEqualTo(instant);
        }
        assertThat(EsaTime.parse("2023-02-28T10:11:12.000Z")).isEqualTo(Instant.parse("2023-02-28T10:11:12Z"));
        assertThatThrownBy(() -> EsaTime.parse("2023-02-29T10:11:12.000Z")).isInstanceOf(EsaProtocolException.class);
        assertThat(EsaTime.parse("2023-02-28T23:59:59.999Z")).isEqualTo(Instant.parse("2023-02-28T23:59:59.999Z"));
        assertThatThrownBy(() -> EsaTime.parse("2023-02-28T23:60:00.000Z")).isInstanceOf(EsaProtocolException.class);
    }

    /** Other forms go to Instant.parse, which reads or refuses them as before. */
    @Test
    void otherFormsAreReadOrRefusedAsBefore() {
        assertThat(EsaTime.parse(" 2024-02-29T10:11:12Z ")).isEqualTo(Instant.parse("2024-02-29T10:11:12Z"));
        assertThat(EsaTime.parse("2024-02-29T10:11:12.5Z")).isEqualTo(Instant.parse("2024-02-29T10:11:12.500Z"));
        assertThat(EsaTime.parse("2024-02-29T10:11:12.000+01:00")).isEqualTo(Instant.parse("2024-02-29T09:11:12Z"));
        assertThat(EsaTime.parse("2016-12-31T23:59:60.000Z")).as("a leap second, as Instant.parse takes it")
                .isEqualTo(Instant.parse("2016-12-31T23:59:60.000Z"));
        for (String bad : List.of("2023-02-29T10:11:12.000Z", "2024-13-01T10:11:12.000Z", "2024-02-29T24:11:12.000Z",
                "2024-02-29T10:61:12.000Z", "2024-0a-29T10:11:12.000Z", "2024-02-29 10:11:12.000Z", "yesterday",
                "-024-02-29T10:11:12.000Z")) {
            assertThatThrownBy(() -> EsaTime.parse(bad)).as(bad).isInstanceOf(EsaProtocolException.class)
                    .hasMessageContaining("is not a UTC timestamp");
        }
    }
}
