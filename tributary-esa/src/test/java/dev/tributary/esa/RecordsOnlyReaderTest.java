package dev.tributary.esa;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The reader of results that hold records only ({@link EsaMessage#recordsOnly}) against the
 * validating parser: whatever it accepts, the schema accepts, and it builds the same tree. The
 * documents are seeded random results of records, most of them broken somewhere — in the shape,
 * a lexical form, a limit, the XML itself.
 */
class RecordsOnlyReaderTest {

    private static final long SEED = 20261205L;

    @Test
    void whatItAcceptsTheSchemaAcceptsAsTheSameTree() {
        Random random = new Random(SEED);
        int accepted = 0;
        int deferredValid = 0;
        int invalid = 0;
        for (int i = 0; i < 6000; i++) {
            String document = new Document(random).build();
            byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
            XmlNode fast = EsaMessage.recordsOnly(bytes);
            XmlNode validated;
            try {
                validated = EsaMessage.validated(bytes);
            } catch (EsaProtocolException e) {
                validated = null;
            }
            if (fast != null) {
                assertThat(validated).as("accepted by the records reader, refused by the schema (seed %d, #%d):%n%s",
                        SEED, i, document).isNotNull();
                assertThat(fast).as("a different tree (seed %d, #%d):%n%s", SEED, i, document).isEqualTo(validated);
                accepted++;
            } else if (validated != null) {
                deferredValid++;
            } else {
                invalid++;
            }
        }
        System.out.printf("records reader: %d accepted, %d valid left to the validating parser, %d refused by both%n",
                accepted, deferredValid, invalid);
        // Each kind in numbers: the reader does its work, and broken documents are tried.
        assertThat(accepted).as("accepted").isGreaterThan(1000);
        assertThat(invalid).as("refused by both").isGreaterThan(1000);
        assertThat(deferredValid).as("valid, left to the validating parser").isGreaterThan(100);
    }

    @Test
    void whatTheWritersWriteTakesTheRecordsReader() {
        Random random = new Random(SEED + 1);
        List<XmlNode> records = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Map<String, List<String>> values = new LinkedHashMap<>();
            values.put("name", List.of(Document.plain(random)));
            values.put("tags", List.of("a", " b ", "c\r\n"));
            values.put("gone", null);
            records.add(new EsaRecord("id-" + i + Document.plain(random), Instant.ofEpochMilli(random.nextLong(1L << 42)),
                    values).toNode());
        }
        records.add(new EsaRecord("empty", null, Map.of()).toNode());
        byte[] page = EsaMessage.result("call-7", records).write();

        XmlNode fast = EsaMessage.recordsOnly(page);

        assertThat(fast).isNotNull().isEqualTo(EsaMessage.validated(page));
        assertThat(EsaMessage.parse(page).body().all("record")).hasSize(301);
    }

    @Test
    void recordsWrittenAsTheyAreAreTheDocumentTheirElementsMake() {
        Random random = new Random(SEED + 2);
        for (int page = 0; page < 200; page++) {
            List<EsaRecord> records = new ArrayList<>();
            for (int i = random.nextInt(20); i > 0; i--) {
                Map<String, List<String>> values = new LinkedHashMap<>();
                for (int v = random.nextInt(4); v > 0; v--) {
                    String name = "f" + random.nextInt(5);
                    switch (random.nextInt(4)) {
                        case 0 -> values.put(name, null);
                        case 1 -> values.put(name, List.of(Document.plain(random), Document.plain(random)));
                        default -> values.put(name, List.of(Document.plain(random)));
                    }
                }
                records.add(new EsaRecord(random.nextInt(5) == 0 ? null : "r" + Document.plain(random),
                        random.nextBoolean() ? null : Instant.ofEpochMilli(random.nextLong(1L << 42)), values));
            }
            if (random.nextInt(10) == 0 && !records.isEmpty()) { // a character no document can carry
                EsaRecord first = records.get(0);
                Map<String, List<String>> values = new LinkedHashMap<>(first.values());
                values.put(random.nextBoolean() ? "bad\u0001name" : "bad", List.of("x\uFFFEy"));
                records.set(0, new EsaRecord(first.id(), first.modifiedAt(), values));
            }
            String callId = "c-" + page;
            String expected;
            try {
                expected = new String(EsaMessage.result(callId, records.stream().map(EsaRecord::toNode).toList()).write(),
                        StandardCharsets.UTF_8);
            } catch (EsaProtocolException e) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> EsaMessage.writeRecords(callId, records))
                        .isInstanceOf(EsaProtocolException.class).hasMessage(e.getMessage());
                continue;
            }
            assertThat(new String(EsaMessage.writeRecords(callId, records), StandardCharsets.UTF_8)).isEqualTo(expected);
        }
    }

    @Test
    void aValueOverTheSchemasLimitIsRefusedAsBefore() {
        String over = "x".repeat(1_048_577);
        byte[] page = ("<sync><result response-to=\"c\"><record><id>1</id><value name=\"a\">" + over
                + "</value></record></result></sync>").getBytes(StandardCharsets.UTF_8);

        assertThat(EsaMessage.recordsOnly(page)).isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EsaMessage.parse(page, 4 * 1024 * 1024))
                .isInstanceOf(EsaProtocolException.class).hasMessageContaining("protocol schema");
        byte[] limit = ("<sync><result response-to=\"c\"><record><id>1</id><value name=\"a\">" + over.substring(1)
                + "</value></record></result></sync>").getBytes(StandardCharsets.UTF_8);
        assertThat(EsaMessage.recordsOnly(limit)).isNotNull().isEqualTo(EsaMessage.validated(limit));
    }

    /** One random document: a result of records, broken somewhere with some likelihood. */
    private static final class Document {
        private final Random random;
        private final StringBuilder xml = new StringBuilder();

        Document(Random random) {
            this.random = random;
        }

        private boolean chance(double p) {
            return random.nextDouble() < p;
        }

        private <T> T pick(List<T> options) {
            return options.get(random.nextInt(options.size()));
        }

        private String space() {
            return pick(List.of("", "", "", " ", "\n  ", "\t", "\r\n", "\n"));
        }

        String build() {
            xml.append(pick(List.of("", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<?xml version=\"1.0\"?>\n",
                    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>", "<?xml version='1.0'?>")));
            if (chance(0.02)) {
                xml.append(pick(List.of("<!DOCTYPE sync>", "<!DOCTYPE sync [<!ENTITY a \"b\">]>", "<!-- c -->", "<?pi x?>")));
            }
            xml.append("<sync");
            if (chance(0.04)) {
                xml.append(pick(List.of(" a=\"b\"", " xmlns=\"urn:x\"", " xmlns:x=\"urn:x\"",
                        " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:noNamespaceSchemaLocation=\"esa.xsd\"")));
            }
            xml.append('>').append(space());
            String element = chance(0.97) ? "result" : pick(List.of("fault", "results", "x:result"));
            xml.append('<').append(element);
            if (chance(0.97)) {
                xml.append(" response-to=\"").append(callId()).append('"');
            }
            if (chance(0.03)) {
                xml.append(pick(List.of(" extra=\"1\"", " response-to=\"again\"", " xml:lang=\"en\"")));
            }
            xml.append('>').append(space());
            if (chance(0.04)) {
                xml.append(pick(List.of("<value>v</value>", "<nullValue>true</nullValue>", "<id>7</id>", "stray text")))
                        .append(space());
            }
            int records = random.nextInt(5);
            for (int i = 0; i < records; i++) {
                record();
            }
            if (chance(0.04)) {
                xml.append(pick(List.of("<cursor id=\"c\" pages=\"1\" page-size=\"5\" kind=\"records\"/>",
                        "<nullValue>true</nullValue>", "<record/>", "<!-- done -->", "<value>late</value>")));
            }
            xml.append("</").append(element).append('>').append(space()).append("</sync>");
            if (chance(0.02)) {
                xml.append(pick(List.of("<sync/>", "text", "<!-- c -->", "<?pi?>", "\n")));
            }
            return xml.toString();
        }

        private String callId() {
            return switch (random.nextInt(60)) {
                case 0 -> "";
                case 1 -> "a".repeat(64);
                case 2 -> "a".repeat(65);
                case 3 -> "call 1";
                case 4 -> "call/1";
                case 5 -> " c-1";
                case 6 -> "c&amp;1";
                case 7 -> "&#x41;-1";
                default -> "c-" + random.nextInt(1000) + pick(List.of("", ".x", ":y", "_z"));
            };
        }

        private void record() {
            xml.append("<record").append(chance(0.02) ? " id=\"1\"" : "").append('>').append(space());
            List<String> parts = new ArrayList<>();
            if (chance(0.85)) {
                parts.add("<id>" + id() + "</id>");
            }
            if (chance(0.7)) {
                parts.add("<modified-at>" + timestamp() + "</modified-at>");
            }
            int values = random.nextInt(4);
            for (int i = 0; i < values; i++) {
                parts.add(value());
            }
            if (chance(0.03) && parts.size() > 1) {
                parts.add(0, parts.remove(1)); // out of order
            }
            if (chance(0.03) && !parts.isEmpty()) {
                parts.add(parts.get(0)); // repeated
            }
            if (chance(0.02)) {
                parts.add(random.nextInt(parts.size() + 1), pick(List.of("<extra/>", "<values/>", "stray", "<!-- c -->")));
            }
            for (String part : parts) {
                xml.append(part).append(space());
            }
            xml.append("</record>").append(space());
        }

        private String id() {
            return switch (random.nextInt(60)) {
                case 0 -> "";
                case 1 -> "i".repeat(1024);
                case 2 -> "i".repeat(1025);
                case 3 -> "\uD83D\uDE00".repeat(512);
                case 4 -> "\uD83D\uDE00".repeat(513);
                case 5 -> " ";
                default -> random.nextInt(100_000) + text(random);
            };
        }

        private String timestamp() {
            return switch (random.nextInt(50)) {
                case 0 -> "2024-02-29T10:11:12Z";
                case 1 -> " 2024-02-29T10:11:12.1Z\n";
                case 2 -> "2024-02-29T10:11:12.123456789Z";
                case 3 -> "2024-02-29T10:11:12.1234567890Z";
                case 4 -> "2024-02-29T10:11:12";
                case 5 -> "\u0662\u0660\u0662\u0664-02-29T10:11:12Z"; // other digits: \d in the schema takes them
                case 6 -> "2024-2-29T10:11:12Z";
                case 7 -> "";
                case 8 -> "<![CDATA[2024-02-29T10:11:12Z]]>";
                case 9 -> "2024-02-29T10:11:12.Z";
                default -> EsaTime.format(Instant.ofEpochMilli(random.nextLong(1L << 42)));
            };
        }

        private String value() {
            StringBuilder value = new StringBuilder("<value name=\"").append(name()).append('"');
            if (chance(0.2)) {
                value.append(" null=\"").append(pick(List.of("true", "false", "1", "0", " true", "yes", ""))).append('"');
            }
            if (chance(0.03)) {
                value.append(pick(List.of(" other=\"x\"", " name=\"twice\"", " xsi:nil=\"true\"", " xmlns=\"urn:v\"")));
            }
            if (chance(0.05)) {
                return value.append("/>").toString();
            }
            value.append('>');
            if (chance(0.02)) {
                value.append(pick(List.of("<b>bold</b>", "<value name=\"in\">x</value>")));
            }
            return value.append(text(random)).append("</value>").toString();
        }

        private String name() {
            return switch (random.nextInt(80)) {
                case 0 -> "";
                case 1 -> "1st";
                case 2 -> "two words";
                case 3 -> " padded ";
                case 4 -> "n".repeat(128);
                case 5 -> "n".repeat(129);
                case 6 -> "caf\u00e9";
                case 7 -> "a&amp;b";
                case 8 -> "tab\tin";
                default -> pick(List.of("name", "email", "_x", "a.b$c-d", "Z9"));
            };
        }

        /** Text as it appears in an element: plain, escaped, CDATA, white space; now and then not well-formed. */
        static String text(Random random) {
            StringBuilder text = new StringBuilder();
            int pieces = random.nextInt(5);
            for (int i = 0; i < pieces; i++) {
                text.append(switch (random.nextInt(12)) {
                    case 0 -> " ";
                    case 1 -> "\r\n";
                    case 2 -> "\r";
                    case 3 -> "&#13;";
                    case 4 -> "&amp;&lt;&gt;&quot;&apos;";
                    case 5 -> "&#x9;&#65;";
                    case 6 -> "<![CDATA[ <kept> ]]>";
                    case 7 -> "<![CDATA[]]>";
                    case 8 -> "\u00e9\u4e2d\uD83D\uDE00";
                    case 9 -> "\t";
                    default -> "w" + random.nextInt(100_000);
                });
            }
            if (random.nextInt(40) == 0) {
                String[] broken = {"]]>", "\u0001", "&nope;", "&#0;", "<!-- note -->", "<?pi?>", "<", "\uFFFE", "&",
                        "\uD800"};
                text.insert(random.nextInt(text.length() + 1), broken[random.nextInt(broken.length)]);
            }
            return text.toString();
        }

        /** A value as a program holds it: any character XML can carry, white space at the ends, line breaks. */
        static String plain(Random random) {
            StringBuilder text = new StringBuilder();
            int pieces = random.nextInt(5);
            for (int i = 0; i < pieces; i++) {
                text.append(switch (random.nextInt(9)) {
                    case 0 -> " ";
                    case 1 -> "\r\n";
                    case 2 -> "\r";
                    case 3 -> "<&>\"'";
                    case 4 -> "]]>";
                    case 5 -> "\u00e9\u4e2d\uD83D\uDE00";
                    case 6 -> "\t";
                    default -> "w" + random.nextInt(100_000);
                });
            }
            return text.toString();
        }
    }
}
