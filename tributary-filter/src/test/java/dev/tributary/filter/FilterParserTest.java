package dev.tributary.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilterParserTest {

    /** A tiny reader of flat JSON objects for the table below: strings, numbers, booleans, null. */
    private static Map<String, Object> data(String json) {
        Map<String, Object> fields = new java.util.HashMap<>();
        String body = json.strip().substring(1, json.strip().length() - 1).strip();
        if (body.isEmpty()) {
            return fields;
        }
        for (String pair : body.split(",")) {
            String[] parts = pair.split(":", 2);
            String name = parts[0].strip().replace("\"", "");
            String value = parts[1].strip();
            fields.put(name, value.startsWith("\"") ? value.substring(1, value.length() - 1)
                    : value.equals("null") ? null : value.equals("true") || value.equals("false") ? (Object) Boolean.valueOf(value)
                    : new java.math.BigDecimal(value));
        }
        return fields;
    }

    private static boolean matches(String filter, String json) {
        return FilterParser.parse(filter).matches(data(json)::get);
    }

    @ParameterizedTest(name = "{0} on {1} is {2}")
    @CsvSource(delimiter = '|', value = {
            "status eq 'active'                  | {\"status\":\"active\"}      | true",
            "status eq 'active'                  | {\"status\":\"Active\"}      | false",
            "status ne 'active'                  | {\"other\":1}                | true",
            "age ge 18                           | {\"age\":18}                 | true",
            "age gt 18                           | {\"age\":18.5}               | true",
            "age lt 18                           | {\"age\":\"17\"}             | false",
            "age eq 1.0                          | {\"age\":1}                  | true",
            "age eq -2e1                         | {\"age\":-20}                | true",
            "name gt 'b'                         | {\"name\":\"c\"}             | true",
            "name le 'b'                         | {\"name\":\"c\"}             | false",
            "flag eq true                        | {\"flag\":true}              | true",
            "flag eq true                        | {\"flag\":\"true\"}          | false",
            "gone eq null                        | {}                           | true",
            "gone eq null                        | {\"gone\":null}              | true",
            "gone ne null                        | {\"gone\":0}                 | true",
            "text eq 'it''s'                     | {\"text\":\"it's\"}          | true",
            "a eq 1 and b eq 2 or c eq 3         | {\"c\":3}                    | true",
            "a eq 1 and (b eq 2 or c eq 3)       | {\"c\":3}                    | false",
            "not a eq 1                          | {\"a\":2}                    | true",
            "not (a eq 1 or a eq 2)              | {\"a\":2}                    | false",
            "age gt 5                            | {}                           | false",
    })
    void evaluates(String filter, String json, boolean expected) {
        assertThat(matches(filter, json)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "''{0}'' fails at {1}")
    @CsvSource(delimiter = '|', value = {
            "status eq                 | 10",
            "status                    | 7",
            "status = 'x'              | 8",
            "eq eq 1                   | 1",
            "(a eq 1                   | 8",
            "a eq 1)                   | 7",
            "a eq 'open                | 6",
            "a eq open                 | 6",
            "a gt true                 | 6",
            "a eq 1 b eq 2             | 8",
            "a eq 1 and                | 11",
            "a eq 12abc                | 8",
            "a eq -                    | 6",
            "a eq 1 & b eq 2           | 8",
    })
    void reportsSyntaxErrorsWithTheirPosition(String filter, int position) {
        assertThatThrownBy(() -> FilterParser.parse(filter))
                .isInstanceOfSatisfying(FilterParser.FilterSyntaxException.class,
                        e -> assertThat(e.position()).as(e.getMessage()).isEqualTo(position))
                .hasMessageContaining("position " + position);
    }

    @Test
    void refusesEmptyLongAndDeeplyNestedFilters() {
        assertThatThrownBy(() -> FilterParser.parse("  ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> FilterParser.parse("a eq '" + "x".repeat(5000) + "'"))
                .hasMessageContaining("longer than");
        assertThatThrownBy(() -> FilterParser.parse("(".repeat(40) + "a eq 1" + ")".repeat(40)))
                .hasMessageContaining("nested deeper");
        assertThatThrownBy(() -> FilterParser.parse("not ".repeat(40) + "a eq 1"))
                .hasMessageContaining("nested deeper");
        String many = String.join(" or ", java.util.Collections.nCopies(101, "a eq 1"));
        assertThatThrownBy(() -> FilterParser.parse(many)).hasMessageContaining("more than 100");
    }

    @Test
    void equalFiltersHaveEqualCanonicalFormsAndFingerprints() {
        Filter a = FilterParser.parse("(status eq 'open')   and not(age lt 18.0)");
        Filter b = FilterParser.parse("status eq 'open' and not age lt 18");
        Filter c = FilterParser.parse("status eq 'open' or not age lt 18");
        assertThat(a.canonical()).isEqualTo(b.canonical());
        assertThat(a.fingerprint()).isEqualTo(b.fingerprint()).hasSize(16);
        assertThat(c.fingerprint()).isNotEqualTo(a.fingerprint());
        assertThat(FilterParser.parse("a eq 'x''y'").canonical()).isEqualTo("a eq 'x''y'");
    }
}
