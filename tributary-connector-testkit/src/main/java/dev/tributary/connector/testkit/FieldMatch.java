package dev.tributary.connector.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;

/** Compares fields a test wrote with fields a connector read back. */
final class FieldMatch {

    private FieldMatch() {
    }

    /** Every expected field is present with an equal value (numbers compared by value). */
    static void assertContains(Map<String, Object> actual, Map<String, Object> expected, String what) {
        for (Map.Entry<String, Object> entry : expected.entrySet()) {
            assertThat(actual).as("%s: field %s", what, entry.getKey()).containsKey(entry.getKey());
            Object value = actual.get(entry.getKey());
            if (entry.getValue() instanceof Number n && value instanceof Number m) {
                assertThat(new BigDecimal(m.toString())).as("%s: field %s", what, entry.getKey())
                        .isEqualByComparingTo(new BigDecimal(n.toString()));
            } else {
                assertThat(value).as("%s: field %s", what, entry.getKey()).isEqualTo(entry.getValue());
            }
        }
    }
}
