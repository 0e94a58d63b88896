package dev.tributary.esa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EsaMessageTest {

    private static EsaMessage parse(String xml) {
        return EsaMessage.parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void callsAndResultsSurviveAWriteAndARead() {
        Map<String, List<String>> values = new LinkedHashMap<>();
        values.put("name", List.of("Ada <& \"Lovelace\">"));
        values.put("note", List.of("Zo\u00eb \u2713 \uD83D\uDE00 ]]> tab\there"));
        values.put("tags", List.of("a", "b"));
        values.put("nick", null);
        EsaRecord record = new EsaRecord("42", Instant.parse("2024-02-29T10:11:12.345Z"), values);
        EsaMessage call = EsaMessage.esaCall("c-1", XmlNode.of("update", XmlNode.text("structure", "people"),
                XmlNode.text("last-seen", "2024-02-29T10:00:00Z"), record.toNode()));

        byte[] written = call.write();
        assertThat(new String(written, StandardCharsets.UTF_8)).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
                .contains("Zo\u00eb \u2713 \uD83D\uDE00"); // UTF-8, not character references
        EsaMessage read = EsaMessage.parse(written);
        assertThat(read.kind()).isEqualTo(EsaMessage.Kind.ESA_CALL);
        assertThat(read.id()).isEqualTo("c-1");
        assertThat(read.callName()).isEqualTo("update");
        EsaRecord readRecord = EsaRecord.of(read.body().child("record").orElseThrow());
        assertThat(readRecord).isEqualTo(record);
        assertThatThrownBy(() -> readRecord.values().get("tags").add("c")).as("a read record's values are its own")
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> readRecord.values().put("x", List.of())).isInstanceOf(UnsupportedOperationException.class);

        EsaMessage result = EsaMessage.result("c-1", List.of(XmlNode.text("value", "2024-02-29T10:11:13Z"),
                XmlNode.text("id", "42")));
        XmlNode answer = EsaMessage.parse(result.write()).answering("c-1");
        assertThat(answer.required("value")).isEqualTo("2024-02-29T10:11:13Z");
        assertThat(answer.required("id")).isEqualTo("42");
    }

    /**
     * Carriage returns inside a value arrive as they left (a reader turns literal ones into line
     * feeds); what XML 1.0 cannot carry at all is refused when writing, naming the record and the
     * element in a message that can itself travel in a fault.
     */
    @Test
    void valuesReadBackExactlyOrAreRefusedNamingTheRecord() {
        String kept = "a\r\nb\rc\u0085d\u2028e\tf \ud83d\ude00 \ufffd";
        EsaRecord record = new EsaRecord("42", null, Map.of("note", List.of(kept)));
        EsaMessage read = EsaMessage.parse(EsaMessage.result("c", List.of(record.toNode())).write());
        assertThat(EsaRecord.of(read.answering("c").child("record").orElseThrow()).value("note")).isEqualTo(kept);

        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("x\u0007", "record 42: the text of <value name=\"note\"> holds U+0007 at character 2");
        refused.put("\u0000", "record 42: the text of <value name=\"note\"> holds U+0000 at character 1");
        refused.put("ab\ud800", "holds U+D800 at character 3");
        refused.put("\udc00", "holds U+DC00 at character 1");
        refused.put("\ufffe", "holds U+FFFE at character 1");
        refused.put("\uffff", "holds U+FFFF at character 1");
        refused.forEach((value, message) -> assertThatThrownBy(() -> EsaMessage.esaCall("c", XmlNode.of("update",
                XmlNode.text("structure", "people"), new EsaRecord("42", null, Map.of("note", List.of(value))).toNode()))
                .write()).as(message).isInstanceOf(EsaProtocolException.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).matches("[\\x20-\\x7e]*")));
        assertThatThrownBy(() -> EsaMessage.result("c", List.of(new EsaRecord("4\u00012", null, Map.of()).toNode())).write())
                .hasMessageContaining("record 4\\u00012: the text of <id> holds U+0001 at character 2");
    }

    /**
     * White space at a value's ends is the value's own: it travels in CDATA, with carriage returns
     * between sections and {@code ]]>} split across two. Seeded values of white space (also
     * Unicode's), brackets, carriage returns and other text, in records and in calls.
     */
    @Test
    void valuesWithWhiteSpaceAtTheirEndsTravelExactly() {
        String[] alphabet = {" ", "\t", "\n", "\r", "\r\n", "\u2003", "\u00a0", "\u3000", "]", "]]", ">", "]]>", "<",
            "&", "a", "\u00e9", "\ud83d\ude00", "<![CDATA[", "x y"};
        java.util.Random random = new java.util.Random(20261205);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder value = new StringBuilder();
            for (int n = random.nextInt(8); n > 0; n--) {
                value.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String sent = value.toString();
            EsaRecord record = new EsaRecord("7", null, Map.of("note", List.of(sent, "  " + sent)));
            EsaRecord answered = EsaRecord.of(EsaMessage.parse(EsaMessage.result("c", List.of(record.toNode())).write())
                    .answering("c").child("record").orElseThrow());
            assertThat(answered.values().get("note")).as("value %s", sent.chars().boxed().toList())
                    .containsExactly(sent, "  " + sent);
            XmlNode call = EsaMessage.parse(EsaMessage.esaCall("c", XmlNode.of("update", XmlNode.text("structure", "people"),
                    record.toNode())).write()).body();
            assertThat(EsaRecord.of(call.child("record").orElseThrow()).values().get("note")).containsExactly(sent, "  " + sent);
        }
    }

    /** Outside CDATA, white space around a value is indentation; inside, it is the value's. */
    @Test
    void whiteSpaceAroundCdataIsIndentationAndInsideItIsTheValue() {
        XmlNode record = parse("<sync><result response-to=\"c\"><record>\n  <id> 1 </id>\n"
                + "  <modified-at><![CDATA[ 2024-01-02T03:04:05.678Z\n]]></modified-at>\n"
                + "  <value name=\"a\">\n     <![CDATA[  x  ]]>\n  </value>\n"
                + "  <value name=\"b\">\n    y  \n  </value>\n"
                + "  <value name=\"c\"> <![CDATA[ p ]]>&#13;<![CDATA[]]> </value>\n"
                + "  <value name=\"d\">\t<![CDATA[]]>\t</value>\n"
                + "  <value name=\"e\"> q <![CDATA[ r ]]> s </value>\n"
                + "</record></result></sync>").answering("c").child("record").orElseThrow();
        EsaRecord read = EsaRecord.of(record);
        assertThat(read.id()).isEqualTo("1");
        assertThat(read.value("a")).isEqualTo("  x  ");
        assertThat(read.value("b")).isEqualTo("y");
        assertThat(read.value("c")).isEqualTo(" p \r");
        assertThat(read.value("d")).isEmpty();
        assertThat(read.value("e")).isEqualTo("q  r  s");
        assertThat(read.modifiedAt()).as("a timestamp is never white space").isEqualTo(Instant.parse("2024-01-02T03:04:05.678Z"));
    }

    @Test
    void theSeedsLayoutWithWhiteSpaceAroundValuesIsAccepted() {
        EsaMessage message = parse("<sync><esa-call call-id=\"7\"><getModified>\n<structure>\n  people\n</structure>\n"
                + "<after>\n  2024-01-01T00:00:00Z\n</after>\n</getModified></esa-call></sync>");
        assertThat(message.body().required("structure")).isEqualTo("people");
        assertThat(EsaTime.parse(message.body().required("after"))).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    }

    @Test
    void agiloftsEnvelopeWithItsSchemaHintIsAccepted() {
        EsaMessage message = parse("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
                + "<sync xsi:noNamespaceSchemaLocation=\"sync.xsd\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
                + "<esa-call call-id=\"12345\"><startSync><external-system-id>My-External-ID</external-system-id>"
                + "</startSync></esa-call></sync>");
        assertThat(message.body().required("external-system-id")).isEqualTo("My-External-ID");
    }

    @Test
    void faultsBecomeExceptionsOfTheirType() {
        byte[] bytes = EsaMessage.fault("9", EsaFault.delayed("42", "tok-1")).write();
        assertThatThrownBy(() -> EsaMessage.parse(bytes).answering("9")).isInstanceOfSatisfying(EsaFault.class, f -> {
            assertThat(f.type()).isEqualTo(EsaFault.Type.DELAYED);
            assertThat(f.token()).isEqualTo("tok-1");
            assertThat(f.id()).isEqualTo("42");
        });
    }

    @Test
    void anAnswerToAnotherCallIsAProtocolError() {
        byte[] bytes = EsaMessage.result("other", List.of(XmlNode.text("value", "1.0"))).write();
        assertThatThrownBy(() -> EsaMessage.parse(bytes).answering("mine")).isInstanceOf(EsaProtocolException.class)
                .hasMessageContaining("'other'").hasMessageContaining("'mine'");
    }

    @Test
    void documentTypeDeclarationsAndEntitiesAreRefused() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE sync [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<sync><esa-call call-id=\"1\"><startSync><external-system-id>&x;</external-system-id></startSync>"
                + "</esa-call></sync>";
        assertThatThrownBy(() -> parse(xxe)).isInstanceOf(EsaProtocolException.class).hasMessageContaining("DOCTYPE");
        String laughs = "<?xml version=\"1.0\"?><!DOCTYPE sync [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>"
                + "<sync><result response-to=\"1\"><value>&b;</value></result></sync>";
        assertThatThrownBy(() -> parse(laughs)).isInstanceOf(EsaProtocolException.class);
    }

    @Test
    void malformedInvalidAndOversizedMessagesAreRefused() {
        assertThatThrownBy(() -> parse("<sync><esa-call call-id=\"1\"><startSync>")).isInstanceOf(EsaProtocolException.class)
                .hasMessageContaining("not well-formed");
        assertThatThrownBy(() -> parse("<sync><esa-call call-id=\"1\"><dropTables/></esa-call></sync>"))
                .isInstanceOf(EsaProtocolException.class).hasMessageContaining("schema");
        assertThatThrownBy(() -> parse("<sync><esa-call><startSync><external-system-id>x</external-system-id>"
                + "</startSync></esa-call></sync>")).hasMessageContaining("call-id");
        assertThatThrownBy(() -> parse("<sync><result response-to=\"1\"><value>1</value></result>"
                + "<result response-to=\"2\"/></sync>")).isInstanceOf(EsaProtocolException.class);
        assertThatThrownBy(() -> parse("<sync><esa-call call-id=\"1\"><getModified><structure>p</structure>"
                + "<after>yesterday</after></getModified></esa-call></sync>")).isInstanceOf(EsaProtocolException.class);
        byte[] big = ("<sync><result response-to=\"1\"><value>" + "x".repeat(2000) + "</value></result></sync>")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> EsaMessage.parse(big, 1000)).isInstanceOf(EsaProtocolException.class)
                .hasMessageContaining("at most 1000");
        assertThatThrownBy(() -> EsaMessage.parse(new byte[0])).hasMessageContaining("empty");
    }

    @Test
    void theSchemaDescribesEveryCallTheKitAndTheConnectorMake() {
        for (String empty : List.of("endSync", "getAllowedRunModes", "getCurrentTime", "needSyncAgain", "leaseSession",
                "getStructureList")) {
            assertThat(EsaMessage.parse(EsaMessage.esaCall("1", XmlNode.of(empty)).write()).callName()).isEqualTo(empty);
        }
        assertThat(EsaMessage.parse(EsaMessage.apiCall("1", XmlNode.of("detectDeleted",
                XmlNode.text("external-system-id", "sys"), XmlNode.text("structure", "people"))).write()).kind())
                .isEqualTo(EsaMessage.Kind.API_CALL);
    }

    /**
     * The parser applies the published schema with two patterns checked in Java (see
     * {@code EsaMessage.loadSchema}); a document must be accepted exactly when the published
     * schema accepts it. Record value names and {@code modified-at} texts are drawn around the
     * patterns' edges — lengths, white space inside and around, decimal digits of other scripts
     * (XML Schema's {@code \d} is any of them), fractions of up to ten digits — and each document
     * goes to both.
     */
    @Test
    void recordNamesAndTimesAreCheckedExactlyAsThePublishedSchemaChecksThem() throws Exception {
        javax.xml.validation.Schema published = javax.xml.validation.SchemaFactory
                .newInstance(javax.xml.XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(EsaMessage.class.getResource("esa-protocol.xsd"));
        java.util.Random random = new java.util.Random(20261205);
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            String name = randomName(random);
            String time = randomTime(random);
            String record = "<record><id>" + i + "</id>"
                    + (random.nextInt(5) == 0 ? "" : "<modified-at>" + time + "</modified-at>")
                    + "<value name=\"" + name + "\">v</value>"
                    + (random.nextBoolean() ? "<value name=\"" + name + "\">w</value>" : "") + "</record>";
            String xml = random.nextBoolean()
                    ? "<sync><result response-to=\"c\">" + record + "</result></sync>"
                    : "<sync><esa-call call-id=\"c\"><update><structure>people</structure>" + record
                            + "</update></esa-call></sync>";
            boolean expected;
            try {
                published.newValidator().validate(new javax.xml.transform.stream.StreamSource(new java.io.StringReader(xml)));
                expected = true;
            } catch (org.xml.sax.SAXException e) {
                expected = false;
            }
            boolean actual;
            try {
                parse(xml);
                actual = true;
            } catch (EsaProtocolException e) {
                assertThat(e).hasMessageContaining("schema");
                actual = false;
            }
            assertThat(actual).as("accepted %s", xml).isEqualTo(expected);
            if (expected) {
                accepted++;
            } else {
                refused++;
            }
        }
        assertThat(accepted).as("documents both accept").isGreaterThan(600);
        assertThat(refused).as("documents both refuse").isGreaterThan(600);
    }

    /** White space as XML Schema's {@code \s} knows it, and look-alikes it does not. */
    private static final List<String> SPACES = List.of(" ", "&#9;", "&#10;", "&#13;", "&#160;", "&#x2003;");

    private static String pad(java.util.Random random) {
        StringBuilder pad = new StringBuilder();
        int n = random.nextInt(4) == 0 ? random.nextInt(3) + 1 : 0;
        for (int i = 0; i < n; i++) {
            pad.append(SPACES.get(random.nextInt(random.nextInt(8) == 0 ? SPACES.size() : 4)));
        }
        return pad.toString();
    }

    private static String randomName(java.util.Random random) {
        String first = "abzAZ_";
        String rest = "azAZ09_.$-";
        List<String> wrong = List.of("9", ".", "$", "-", " ", "#", "\u00e9", "\u0663", ":", "&#9;", "&amp;");
        int length = switch (random.nextInt(4)) {
            case 0 -> 126 + random.nextInt(4);
            case 1 -> random.nextInt(2);
            default -> 1 + random.nextInt(12);
        };
        StringBuilder name = new StringBuilder(pad(random));
        for (int i = 0; i < length; i++) {
            if (random.nextInt(25) == 0) {
                name.append(wrong.get(random.nextInt(wrong.size())));
            } else {
                String pool = i == 0 ? first : rest;
                name.append(pool.charAt(random.nextInt(pool.length())));
            }
        }
        return name.append(pad(random)).toString();
    }

    /** ASCII, Arabic-Indic, Devanagari and full-width digits, a supplementary digit, and non-digits. */
    private static final List<String> DIGITS = List.of("0", "7", "9", "\u0663", "\u096f", "\uff15", "\ud835\udfd7",
            "\u00b2", "x");

    private static String digits(java.util.Random random, int n) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            text.append(random.nextInt(12) == 0 ? DIGITS.get(3 + random.nextInt(DIGITS.size() - 3))
                    : DIGITS.get(random.nextInt(3)));
        }
        return text.toString();
    }

    private static String randomTime(java.util.Random random) {
        int fraction = random.nextInt(3) == 0 ? 0 : random.nextInt(11);
        String time = digits(random, random.nextInt(15) == 0 ? 5 : 4) + "-" + digits(random, 2) + "-" + digits(random, 2)
                + (random.nextInt(30) == 0 ? "t" : "T") + digits(random, 2) + ":" + digits(random, 2) + ":"
                + digits(random, random.nextInt(30) == 0 ? 1 : 2) + (fraction == 0 ? "" : "." + digits(random, fraction))
                + (random.nextInt(30) == 0 ? "" : "Z");
        return pad(random) + time + pad(random);
    }
}
