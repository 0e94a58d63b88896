package dev.tributary.sdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Timestamps: the direct paths for feeds' UTC form agree with java.time; other forms read or refused as before. */
class SDataXmlTest {

    @Test
    void utcStampsWithAnyFractionAgreeWithJavaTime() {
        long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        Random random = new Random(20261205);
        for (int i = 0; i < 100_000; i++) {
            Instant instant = Instant.ofEpochSecond(first + (long) (random.nextDouble() * (last - first)), random.nextInt(1_000_000_000));
            int digits = random.nextInt(10);
            String text = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss" + (digits == 0 ? "" : "." + "S".repeat(digits)) + "'Z'")
                    .withZone(ZoneOffset.UTC).format(instant);
            assertThat(SDataXml.instant(text)).as(text).isEqualTo(OffsetDateTime.parse(text).toInstant());
        }
    }

    @Test
    void instantsAreWrittenAsInstantWritesThemToTheMillisecond() {
        long first = Instant.parse("-0002-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("+10002-12-31T23:59:59Z").getEpochSecond();
        Random random = new Random(20261205);
        for (int i = 0; i < 200_000; i++) {
            long second = i < 4 ? new long[] {-62_167_219_200L, 253_402_300_799L, -62_167_219_201L, 253_402_300_800L}[i]
                    : first + (long) (random.nextDouble() * (last - first));
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000_000); // below a millisecond: written without a fraction
                case 2 -> random.nextInt(1_000) * 1_000_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(second, nanos);
            String expected = instant.truncatedTo(ChronoUnit.MILLIS).toString();
            assertThat(SyncFeed.format(instant)).as(expected).isEqualTo(expected);
        }
    }

    @Test
    void otherFormsAreReadOrRefusedAsBefore() {
        assertThat(SDataXml.instant(" 2008-10-30T14:52:03.281+02:00 ")).isEqualTo(Instant.parse("2008-10-30T12:52:03.281Z"));
        assertThat(SDataXml.instant("2008-10-30T14:52:03")).isEqualTo(Instant.parse("2008-10-30T14:52:03Z"));
        assertThat(SDataXml.instant("2008-10-30T14:52:03.Z")).isEqualTo(Instant.parse("2008-10-30T14:52:03Z"));
        for (String bad : List.of("2023-02-29T10:11:12Z", "2008-13-30T14:52:03Z", "2008-10-30T24:52:03Z",
                "2008-1x-30T14:52:03Z", "2008-10-30 14:52:03Z", "2008-10-30T14:52:03.1234567890Z", "yesterday",
                "2016-12-31T23:59:60Z")) {
            assertThatThrownBy(() -> SDataXml.instant(bad)).as(bad).isInstanceOf(SDataException.class)
                    .hasMessageContaining("is not a timestamp");
        }
    }
}
