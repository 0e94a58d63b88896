package dev.tributary.sdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PayloadsTest {

    /** The names written as element names (ASCII XML names of up to 128 characters without a colon). */
    private static final java.util.regex.Pattern XML_NAME =
            java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");

    /** The rule as written: the pattern, and no name starting with "xml" in any case. */
    private static boolean byPattern(String name) {
        return XML_NAME.matcher(name).matches() && !name.toLowerCase(Locale.ROOT).startsWith("xml");
    }

    /**
     * The per-character check of a field's name agrees with the pattern on seeded random names
     * made of the characters that matter (the edges of each range, "xml" prefixes, lengths
     * around the limit of 128, characters outside ASCII).
     */
    @Test
    void theElementNameCheckAgreesWithThePattern() {
        String pieces = "aAzZ_09.-@[`{/:\u00e9\u0130\u212a xXmMlL";
        Random random = new Random(20261205);
        int accepted = 0;
        for (int i = 0; i < 50_000; i++) {
            StringBuilder name = new StringBuilder();
            if (random.nextInt(4) == 0) {
                name.append(random.nextBoolean() ? "xml" : "XmL");
            }
            int length = switch (random.nextInt(5)) {
                case 0 -> 126 + random.nextInt(5);
                case 1 -> 0;
                default -> 1 + random.nextInt(8);
            };
            for (int j = 0; j < length; j++) {
                name.append(pieces.charAt(random.nextInt(pieces.length())));
            }
            String text = name.toString();
            assertThat(Payloads.elementName(text)).as("'%s'", text).isEqualTo(byPattern(text));
            accepted += byPattern(text) ? 1 : 0;
        }
        assertThat(accepted).isBetween(1_000, 49_000); // both answers were tried
        assertThat(Payloads.elementName("a".repeat(128))).isTrue();
        assertThat(Payloads.elementName("a".repeat(129))).isFalse();
        assertThat(Payloads.elementName("Xml_title")).isFalse();
        assertThat(Payloads.elementName("x_ml")).isTrue();
    }
}
