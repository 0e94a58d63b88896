package dev.tributary.sdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SDataDocumentsTest {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Instant T = Instant.parse("2008-10-30T14:52:03.281Z");

    private static XmlElement parse(String xml) {
        return SDataXml.parse(xml.getBytes(StandardCharsets.UTF_8), 1 << 20);
    }

    private static XmlElement parse(byte[] xml) {
        return SDataXml.parse(xml, 1 << 22);
    }

    /**
     * Seeded random records — names and texts from characters XML must escape or normalise (tab,
     * line ends, quotes, markup, "]]>", non-ASCII, surrogate pairs), numbers of every size, nested
     * objects and lists — come back equal from a page written and read again.
     */
    @Test
    void seededRandomRecordsSurviveAPageWrittenAndRead() {
        java.util.Random random = new java.util.Random(61206);
        List<SyncFeed.Entry> entries = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
            entries.add(new SyncFeed.Entry(null, "u" + i, T, new SyncState("http://e/app1", i, T), false,
                    Payload.of(randomObject(random, 0)), null));
        }
        byte[] page = new SyncFeed("f", "t", true, null, entries, null).write("urn:c", "item", "http://self");
        List<SyncFeed.Entry> read = SyncFeed.read(parse(page)).entries();
        assertThat(read).hasSize(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            assertThat(read.get(i).data().tree()).as("record %d", i).isEqualTo(entries.get(i).data().tree());
        }
    }

    /**
     * A record goes from its stored JSON text into a page and from a page into JSON text with no
     * tree in between: numbers keep the text they were written with (a trailing zero, an
     * exponent), whole numbers are read as integers, and every kind of value and name comes back.
     */
    @Test
    void aPayloadGoesFromJsonTextToXmlAndBackToJsonText() {
        String stored = "{\"a\":1.50,\"b\":-0,\"c\":1e5,\"big\":123456789012345678901234567890,\"d\":[1,{\"x\":null}],"
                + "\"e\":{},\"f\":[],\"g\":true,\"not a name\":\"v <&> \\u00e9\",\"h\":-2.5E-3}";
        SyncFeed feed = new SyncFeed("f", "t", true, null, List.of(new SyncFeed.Entry(null, "u", T,
                new SyncState("http://e/app1", 1, T), false, Payload.ofJson(stored), null)), null);
        byte[] page = feed.write("urn:c", "item", "http://self");
        String xml = new String(page, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(xml).contains(">1.50<").contains(">1e5<").contains(">-2.5E-3<").contains("key=\"not a name\"");
        assertThat(SyncFeed.read(parse(page)).entries().get(0).data().text()).isEqualTo(
                "{\"a\":1.50,\"b\":0,\"c\":1E+5,\"big\":123456789012345678901234567890,\"d\":[1,{\"x\":null}],"
                        + "\"e\":{},\"f\":[],\"g\":true,\"not a name\":\"v <&> \u00e9\",\"h\":-0.0025}");
        assertThatThrownBy(() -> new SyncFeed("f", "t", true, null, List.of(new SyncFeed.Entry(null, "u", T,
                new SyncState("http://e/app1", 1, T), false, Payload.ofJson("[1]"), null)), null).write("urn:c", "item", "s"))
                .hasMessageContaining("JSON object");
    }

    /** A property named twice in one object — as an element, or as a field's key — is refused, at any depth. */
    @Test
    void aPayloadWithAPropertyTwiceIsRefused() {
        String head = "<feed xmlns='http://www.w3.org/2005/Atom' xmlns:sdata='http://schemas.sage.com/sdata/2008/1'><entry>"
                + "<sdata:payload><item xmlns='urn:c' sdata:uuid='u'>";
        String tail = "</item></sdata:payload></entry></feed>";
        for (String body : List.of("<a>1</a><b>2</b><a>3</a>", "<a>1</a><field key='a'>2</field>",
                "<o t='object'><x>1</x><y>2</y><x>3</x></o>")) {
            assertThatThrownBy(() -> SyncFeed.read(parse(head + body + tail))).as(body).isInstanceOf(SDataException.class)
                    .hasMessageContaining("twice");
        }
        assertThat(SyncFeed.read(parse(head + "<a>1</a><o t='object'><a>2</a></o>" + tail)).entries().get(0).data().text())
                .as("the same name in another object").isEqualTo("{\"a\":\"1\",\"o\":{\"a\":\"2\"}}");
    }

    private static final String[] PIECES = {"a", "Z", "_", "-", ".", "7", " ", "\t", "\n", "\r", "\r\n", "\"", "'", "<",
        ">", "&", "]]>", "&amp;", "\u00e9", "\u20ac", "\u4e2d", "\uD83D\uDE00", "xml", "="};

    private static String randomText(java.util.Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(6); i > 0; i--) {
            text.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return text.toString();
    }

    private static ObjectNode randomObject(java.util.Random random, int depth) {
        ObjectNode object = JSON.createObjectNode();
        for (int i = random.nextInt(depth == 0 ? 8 : 4); i >= 0; i--) {
            object.set(randomText(random), randomValue(random, depth));
        }
        return object;
    }

    private static JsonNode randomValue(java.util.Random random, int depth) {
        var nodes = com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true);
        return switch (random.nextInt(depth < 3 ? 9 : 7)) {
            case 0, 1 -> nodes.textNode(randomText(random));
            case 2 -> nodes.numberNode(random.nextInt());
            case 3 -> nodes.numberNode(random.nextLong() | 1L << 40);
            case 4 -> nodes.numberNode(new java.math.BigDecimal(java.math.BigInteger.valueOf(random.nextLong()),
                    1 + random.nextInt(12)));
            case 5 -> nodes.booleanNode(random.nextBoolean());
            case 6 -> nodes.nullNode();
            case 7 -> randomObject(random, depth + 1);
            default -> {
                com.fasterxml.jackson.databind.node.ArrayNode list = nodes.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    list.add(randomValue(random, depth + 1));
                }
                yield list;
            }
        };
    }

    @Test
    void payloadsKeepEveryJsonValueExactly() throws Exception {
        ObjectNode data = (ObjectNode) JSON.readTree("{\"name\":\"Natural Goods <Ltd.> & co\",\"empty\":\"\",\"n\":42,"
                + "\"big\":123456789012345678901234567890,\"pi\":3.14159265358979323846264338327950288,\"neg\":-0.5e-3,"
                + "\"yes\":true,\"no\":false,\"nothing\":null,\"nested\":{\"a\":{\"b\":[1,\"1\",null,{},[]]}},"
                + "\"list\":[],\"obj\":{},\"first name\":\"x\",\"xmlish\":\"y\",\"unicode\":\"Zoë ✓\","
                + "\"padded\":\"  A-17 \",\"blank\":\"   \",\"lines\":\"a\\r\\nb\\rc\\n\",\"cr\":\"\\r\","
                + "\"tabs\":\"\\t x\\t\",\"spaced\":[\" \",\" 1 \"]}");
        SyncFeed feed = new SyncFeed("http://h/sdata/a/c/-/accounts/$syncSource('1')", "t", true,
                new Digest("http://h/a", List.of(new DigestEntry("http://h/a", 7, T, 2))),
                List.of(new SyncFeed.Entry("http://h/a('x')", "x", T, new SyncState("http://h/a", 6, T), false, Payload.of(data), null)),
                null);
        SyncFeed read = SyncFeed.read(parse(feed.write("http://schemas.example.com/c", "account", "self")));
        JsonNode back = read.entries().get(0).data().tree();
        assertThat(back.toString()).isEqualTo(data.toString());
        assertThat(back).isEqualTo(data);
        assertThat(back.get("big").bigIntegerValue().toString()).isEqualTo("123456789012345678901234567890");
        assertThat(back.get("pi").decimalValue().toString()).isEqualTo("3.14159265358979323846264338327950288");
        assertThat(read.digest()).isEqualTo(feed.digest());
        assertThat(read.entries().get(0).state()).isEqualTo(new SyncState("http://h/a", 6, T));
        assertThat(read.entries().get(0).uuid()).isEqualTo("x");
        assertThat(read.catchUp()).isTrue();
    }

    /**
     * Text XML 1.0 cannot carry (most controls, U+FFFE, U+FFFF, lone surrogates) stops the feed with
     * a message naming the record, the field and the character — a message that can itself be sent;
     * what XML can carry (tabs, line ends, U+0085, U+2028, characters beyond the BMP) goes through.
     */
    @Test
    void textXmlCannotCarryStopsTheFeedNamingTheRecordAndTheField() throws Exception {
        ObjectNode fine = JSON.createObjectNode().put("note", "tab\there\nline\r\u0085\u2028 \ud83d\ude00 \ufffd");
        SyncFeed read = SyncFeed.read(parse(feed(fine).write("urn:c", "account", "self")));
        assertThat(read.entries().get(0).data().tree()).isEqualTo(fine);

        ObjectNode nested = JSON.createObjectNode();
        nested.putObject("n").putArray("deep").add("ok").add("x\u0000");
        ObjectNode badKey = JSON.createObjectNode().put("k\u0001", "v");
        List<List<Object>> cases = List.of(
                List.of(JSON.createObjectNode().put("a", 1).put("note", "a\u0007b"), "the value of field 'note' holds U+0007 at character 2"),
                List.of(nested, "the value of field 'n.deep[1]' holds U+0000 at character 2"),
                List.of(badKey, "the name of field 'k\\u0001' holds U+0001 at character 2"),
                List.of(JSON.createObjectNode().put("s", "\ufffe"), "the value of field 's' holds U+FFFE"),
                List.of(JSON.createObjectNode().put("s", "\uffff"), "the value of field 's' holds U+FFFF"),
                List.of(JSON.createObjectNode().put("s", "ab\ud800"), "the value of field 's' holds U+D800 at character 3"),
                List.of(JSON.createObjectNode().put("s", "\udc00\ud800"), "the value of field 's' holds U+DC00 at character 1"));
        for (List<Object> c : cases) {
            assertThatThrownBy(() -> feed((ObjectNode) c.get(0)).write("urn:c", "account", "self")).as(c.get(1).toString())
                    .isInstanceOf(SDataException.class).hasMessageContaining("record x cannot be sent: " + c.get(1))
                    .satisfies(e -> assertThat(e.getMessage()).as("a message that can be sent")
                            .matches("[\\x20-\\x7e]*"));
        }
    }

    private static SyncFeed feed(ObjectNode data) {
        return new SyncFeed("f", "t", true, new Digest("http://h/a", List.of(new DigestEntry("http://h/a", 7, T, 2))),
                List.of(new SyncFeed.Entry("http://h/a('x')", "x", T, new SyncState("http://h/a", 6, T), false, Payload.of(data), null)),
                null);
    }

    @Test
    void deletionsAndResultOutcomesRoundTrip() {
        SyncFeed.Outcome outcome = new SyncFeed.Outcome(409, "Conflict", "PUT", "http://h/a('y')", "e1");
        SyncFeed feed = new SyncFeed("f", "t", false, null, List.of(
                new SyncFeed.Entry(null, "y", T, new SyncState("http://h/b", 3, T), true, null, outcome)), null);
        SyncFeed read = SyncFeed.read(parse(feed.write("urn:c", "account", "self")));
        assertThat(read.entries().get(0).deleted()).isTrue();
        assertThat(read.entries().get(0).data()).isNull();
        assertThat(read.entries().get(0).outcome()).isEqualTo(outcome);
    }

    /** "Not applied" travels as an application code, not as words a message happens to start with. */
    @Test
    void anEntryKeptByTheTargetSaysSoWithACode() {
        SyncFeed.Outcome kept = new SyncFeed.Outcome(200, "not applied: the target's version wins", null, null, "e2",
                SyncFeed.NOT_APPLIED);
        SyncFeed.Outcome worded = new SyncFeed.Outcome(200, "not applied, says a message", null, null, null);
        SyncFeed feed = new SyncFeed("f", "t", false, null, List.of(
                new SyncFeed.Entry(null, "a", T, new SyncState("http://h/b", 3, T), false, null, kept),
                new SyncFeed.Entry(null, "b", T, new SyncState("http://h/b", 4, T), false, null, worded)), null);
        SyncFeed read = SyncFeed.read(parse(feed.write("urn:c", "account", "self")));
        assertThat(read.entries().get(0).outcome()).isEqualTo(kept);
        assertThat(read.entries().get(0).outcome().notApplied()).isTrue();
        assertThat(read.entries().get(1).outcome().notApplied()).isFalse();
    }

    @Test
    void realClientsDifferencesAreAccepted() {
        String feed = "<feed xmlns='http://www.w3.org/2005/Atom' xmlns:sdata='http://schemas.sage.com/sdata/2008/1'"
                + " xmlns:sync='http://schemas.sage.com/sdata/sync/2008/1'><sync:syncMode>CATCHUP</sync:syncMode>"
                + "<sync:digest><sync:origin>o</sync:origin><sync:digestEntry><sync:endpoint>e</sync:endpoint><sync:tick>3"
                + "</sync:tick><sync:stamp>2008-10-30T14:52:03Z</sync:stamp><sync:conflictPriority>1</sync:conflictPriority>"
                + "</sync:digestEntry></sync:digest>"
                + "<entry><sync:syncState><sync:endpoint>e</sync:endpoint><sync:tick>2</sync:tick>"
                + "<sync:stamp>2008-10-30T14:52:03.1234567+02:00</sync:stamp></sync:syncState>"
                + "<sdata:payload><account xmlns='urn:c' sdata:uuid='u1' sync:isDeleted='true'/></sdata:payload></entry>"
                + "<entry><sync:syncState><sync:endpoint>e</sync:endpoint><sync:tick>2</sync:tick>"
                + "<sync:stamp>2008-10-30T14:52:03</sync:stamp></sync:syncState>"
                + "<sdata:payload><account xmlns='urn:c' sdata:uuid='u2'><name>n</name></account></sdata:payload></entry></feed>";
        SyncFeed read = SyncFeed.read(parse(feed));
        assertThat(read.catchUp()).isTrue();
        assertThat(read.entries().get(0).deleted()).as("isDeleted under the sync prefix").isTrue();
        assertThat(read.entries().get(0).state().stamp()).isEqualTo(Instant.parse("2008-10-30T12:52:03.1234567Z"));
        assertThat(read.entries().get(1).data().tree().get("name").asText()).isEqualTo("n");
        assertThat(Tracking.read(parse("<tracking xmlns='http://schemas.sage.com/sdata/sync/2008/1'><phase>p</phase>"
                + "<pollingMillis>250</pollingMillis></tracking>")).pollingMillis()).isEqualTo(250);
        assertThat(Digests.find(parse(Digests.entry(read.digest(), "d"))).entries()).hasSize(1);
        assertThat(Digests.find(parse(Digests.document(read.digest())))).isEqualTo(read.digest());
    }

    @Test
    void theImmediateFeedOfSection58ReadsWithItsUuidOnThePayload() {
        String feed = "<feed xmlns='http://www.w3.org/2005/Atom' xmlns:sdata='http://schemas.sage.com/sdata/2008/1'>"
                + "<title>Account immediate synchronization</title>"
                + "<syncMode xmlns='http://schemas.sage.com/sdata/sync/2008/1'>immediate</syncMode>"
                + "<digest xmlns='http://schemas.sage.com/sdata/sync/2008/1'><digestEntry><endpoint>http://e/app1</endpoint>"
                + "<tick>7</tick><stamp>2008-10-30T19:07:56Z</stamp><conflictPriority>1</conflictPriority></digestEntry>"
                + "</digest><entry><id>http://e/app1('23552')</id><updated>2008-05-25T13:27:19.207Z</updated>"
                + "<syncState xmlns='http://schemas.sage.com/sdata/sync/2008/1'><endpoint>http://e/app1</endpoint>"
                + "<tick>6</tick><stamp>2008-10-30T18:13:39Z</stamp></syncState>"
                + "<payload sdata:uuid='C4411795-9943-4cf4-8705-51A74C9F0ACC' xmlns='http://schemas.sage.com/sdata/2008/1'>"
                + "<account xmlns='http://schemas.sage.com/myContract'><name>Chemical Brothers Inc.</name></account>"
                + "</payload></entry></feed>";
        SyncFeed read = SyncFeed.read(parse(feed));
        assertThat(read.catchUp()).isFalse();
        assertThat(read.entries().get(0).uuid()).isEqualTo("C4411795-9943-4cf4-8705-51A74C9F0ACC");
        assertThat(read.entries().get(0).data().tree().get("name").asText()).isEqualTo("Chemical Brothers Inc.");
        assertThat(read.entries().get(0).state()).isEqualTo(new SyncState("http://e/app1", 6,
                Instant.parse("2008-10-30T18:13:39Z")));
    }

    /**
     * A document reads the same in the encodings XML readers must detect (UTF-8 and UTF-16, with
     * and without a byte-order mark), in UTF-32 (detected here: Aalto does not) and in declared
     * single-byte encodings.
     */
    @Test
    void aDocumentReadsTheSameInEveryEncodingItDeclaresOrMarks() {
        String text = "Zo\u00eb";
        for (String charset : List.of("UTF-8", "UTF-16BE", "UTF-16LE", "UTF-32BE", "UTF-32LE", "ISO-8859-1",
                "windows-1252")) {
            boolean unicode = charset.startsWith("UTF");
            for (boolean mark : unicode ? new boolean[] {false, true} : new boolean[] {false}) {
                // UTF-16 without a mark must be declared (XML 1.0, appendix F); UTF-8 need not be.
                for (boolean declared : charset.equals("UTF-8") || charset.startsWith("UTF-16") && mark
                        ? new boolean[] {false, true} : new boolean[] {true}) {
                    String xml = (mark ? "\uFEFF" : "") + (declared ? "<?xml version='1.0' encoding='"
                            + (charset.startsWith("UTF-32") ? "UTF-32" : charset) + "'?>" : "") + "<a>" + text
                            + (unicode ? " \u20ac \uD83D\uDE00" : "") + "</a>";
                    byte[] bytes = xml.getBytes(java.nio.charset.Charset.forName(charset));
                    assertThat(parse(bytes).text()).as("%s, mark %s, declared %s", charset, mark, declared)
                            .isEqualTo(text + (unicode ? " \u20ac \uD83D\uDE00" : ""));
                }
            }
        }
        // A code point beyond Unicode in a UTF-32 document is an error, not a replacement character.
        byte[] beyond = "<a>x</a>".getBytes(java.nio.charset.Charset.forName("UTF-32BE"));
        beyond[12] = 0x7F;
        assertThatThrownBy(() -> parse(beyond)).isInstanceOf(SDataException.class);
    }

    @Test
    void aDocumentNamingAnExternalDtdOrEntityIsRefusedWithoutFetchingIt() throws Exception {
        java.util.concurrent.atomic.AtomicInteger fetched = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            fetched.incrementAndGet();
            byte[] body = "<!ENTITY x 'fetched'>".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String at = "http://127.0.0.1:" + server.getAddress().getPort();
            for (String hostile : List.of("<!DOCTYPE feed SYSTEM '" + at + "/feed.dtd'><feed>&x;</feed>",
                    "<!DOCTYPE feed SYSTEM '" + at + "/feed.dtd'><feed/>",
                    "<!DOCTYPE feed [<!ENTITY x SYSTEM '" + at + "/x.txt'>]><feed>&x;</feed>",
                    "<!DOCTYPE feed [<!ENTITY % p SYSTEM '" + at + "/p.dtd'> %p;]><feed>&x;</feed>")) {
                assertThatThrownBy(() -> parse(hostile)).isInstanceOf(SDataException.class)
                        .hasMessageContaining("DOCTYPE");
            }
        } finally {
            server.stop(0);
        }
        assertThat(fetched.get()).as("requests for the DTD or entities").isZero();
    }

    @Test
    void hostileMalformedAndOversizedDocumentsAreRefused() {
        assertThatThrownBy(() -> parse("<!DOCTYPE feed [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><feed>&x;</feed>"))
                .isInstanceOf(SDataException.class).hasMessageContaining("DOCTYPE");
        assertThatThrownBy(() -> parse("<!DOCTYPE a [<!ENTITY l0 'x'><!ENTITY l1 '&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;'>"
                + "<!ENTITY l2 '&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;'>]><a>&l2;</a>")).hasMessageContaining("DOCTYPE");
        assertThatThrownBy(() -> parse("<a>&undeclared;</a>")).isInstanceOf(SDataException.class)
                .hasMessageContaining("not well-formed");
        assertThat(parse("<?xml version='1.0' encoding='ISO-8859-1'?><a>Zo\u00eb</a>".getBytes(StandardCharsets.ISO_8859_1)).text())
                .isEqualTo("Zo\u00eb");
        assertThatThrownBy(() -> parse("<feed xmlns='http://www.w3.org/2005/Atom'><entry>"))
                .isInstanceOf(SDataException.class).hasMessageContaining("not well-formed");
        assertThatThrownBy(() -> SDataXml.parse(new byte[2048], 1024)).isInstanceOfSatisfying(SDataException.class,
                e -> assertThat(e.status()).isEqualTo(413));
        assertThatThrownBy(() -> parse("<a>".repeat(70) + "</a>".repeat(70))).hasMessageContaining("deeper");
        assertThatThrownBy(() -> SyncFeed.read(parse("<feed xmlns='http://www.w3.org/2005/Atom' "
                + "xmlns:sync='http://schemas.sage.com/sdata/sync/2008/1'><sync:syncMode>sometimes</sync:syncMode></feed>")))
                .hasMessageContaining("syncMode");
        assertThatThrownBy(() -> SyncFeed.read(parse("<feed xmlns='http://www.w3.org/2005/Atom' "
                + "xmlns:sync='http://schemas.sage.com/sdata/sync/2008/1'><entry><sync:syncState><sync:endpoint>e"
                + "</sync:endpoint><sync:tick>-1</sync:tick><sync:stamp>2008-01-01T00:00:00Z</sync:stamp></sync:syncState>"
                + "</entry></feed>"))).hasMessageContaining("negative");
        assertThatThrownBy(() -> Digests.find(parse("<digest xmlns='http://schemas.sage.com/sdata/sync/2008/1'><digestEntry>"
                + "<endpoint>e</endpoint><tick>1</tick><conflictPriority>12</conflictPriority></digestEntry></digest>")))
                .hasMessageContaining("1 to 9");
        assertThat(new String(Diagnosis.document(400, "bad feed"), StandardCharsets.UTF_8)).contains("sdata:diagnosis")
                .contains("bad feed");
        assertThatThrownBy(() -> SyncFeed.read(parse("<feed xmlns='http://www.w3.org/2005/Atom'><link rel='next'/></feed>")))
                .hasMessageContaining("next link has no href");
        // the thread's parser, reused after each refusal above, reads the next document whole
        assertThat(Digests.find(parse(Digests.document(new Digest("http://h/a", List.of(new DigestEntry("http://h/a", 7, T, 2)))))))
                .isEqualTo(new Digest("http://h/a", List.of(new DigestEntry("http://h/a", 7, T, 2))));
        assertThat(Tracking.read(parse(new Tracking("p", "d", 0.5, 1, 2, 300).write())).pollingMillis()).isEqualTo(300);
    }
}
