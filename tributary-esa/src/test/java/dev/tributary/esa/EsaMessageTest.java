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
        assertThat(EsaRecord.of(read.body().child("record").orElseThrow())).isEqualTo(record);

        EsaMessage result = EsaMessage.result("c-1", List.of(XmlNode.text("value", "2024-02-29T10:11:13Z"),
                XmlNode.text("id", "42")));
        XmlNode answer = EsaMessage.parse(result.write()).answering("c-1");
        assertThat(answer.required("value")).isEqualTo("2024-02-29T10:11:13Z");
        assertThat(answer.required("id")).isEqualTo("42");
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
}
