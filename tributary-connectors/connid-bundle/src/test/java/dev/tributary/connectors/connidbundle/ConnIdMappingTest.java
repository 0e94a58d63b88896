package dev.tributary.connectors.connidbundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.connector.FieldInfo;
import dev.tributary.connector.FieldType;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.ObjectClassInfo;
import dev.tributary.connector.Uid;
import dev.tributary.connector.VersionConflictException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.identityconnectors.common.security.GuardedString;
import org.identityconnectors.framework.common.exceptions.ConfigurationException;
import org.identityconnectors.framework.common.exceptions.InvalidAttributeValueException;
import org.identityconnectors.framework.common.exceptions.PreconditionFailedException;
import org.identityconnectors.framework.common.exceptions.UnknownUidException;
import org.identityconnectors.framework.common.objects.AttributeBuilder;
import org.identityconnectors.framework.common.objects.ConnectorObject;
import org.identityconnectors.framework.common.objects.Name;
import org.junit.jupiter.api.Test;

class ConnIdMappingTest {

    private static final ObjectClassInfo PEOPLE = new ObjectClassInfo(new ObjectClass("people"), List.of(
            new FieldInfo("id", FieldType.INTEGER, true, false, false),
            FieldInfo.of("name", FieldType.STRING), FieldInfo.of("age", FieldType.INTEGER),
            FieldInfo.of("balance", FieldType.DECIMAL), FieldInfo.of("active", FieldType.BOOLEAN),
            FieldInfo.of("seen", FieldType.TIMESTAMP), FieldInfo.of("born", FieldType.DATE),
            FieldInfo.of("photo", FieldType.BINARY), FieldInfo.of("doc", FieldType.JSON),
            new FieldInfo("tags", FieldType.STRING, false, true, false),
            new FieldInfo("created", FieldType.TIMESTAMP, false, false, true)), List.of());
    private static final Set<String> KEY = Set.of("id");

    @Test
    void objectsBecomeConnIdObjectsWithDeclaredTypesAndBack() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", "Ada");
        fields.put("age", 36L);
        fields.put("balance", 12.5d);
        fields.put("active", true);
        fields.put("seen", Instant.parse("2024-02-29T10:11:12Z"));
        fields.put("born", LocalDate.of(1815, 12, 10));
        fields.put("photo", new byte[] {1, 2, 3});
        fields.put("doc", "{\"a\":1}");
        fields.put("tags", List.of("x", "y"));
        fields.put("created", null);
        ConnectorObject theirs = ConnIdMapping.connectorObject(new dev.tributary.connector.ConnectorObject(
                new ObjectClass("people"), new Uid("7"), "41", fields), PEOPLE, KEY, null, true);

        assertThat(theirs.getUid().getUidValue()).isEqualTo("7");
        assertThat(theirs.getUid().getRevision()).isEqualTo("41");
        assertThat(theirs.getName().getNameValue()).isEqualTo("7");
        assertThat(theirs.getAttributeByName("id")).as("the key is the uid, not an attribute").isNull();
        assertThat(theirs.getAttributeByName("age").getValue()).containsExactly(36L);
        assertThat(theirs.getAttributeByName("balance").getValue()).containsExactly(new BigDecimal("12.5"));
        assertThat(theirs.getAttributeByName("seen").getValue())
                .containsExactly(ZonedDateTime.of(2024, 2, 29, 10, 11, 12, 0, ZoneOffset.UTC));
        assertThat(theirs.getAttributeByName("born").getValue()).containsExactly("1815-12-10");
        assertThat(theirs.getAttributeByName("tags").getValue()).containsExactly("x", "y");
        assertThat(theirs.getAttributeByName("created").getValue()).isEmpty();

        Map<String, Object> back = ConnIdMapping.fields(Set.copyOf(theirs.getAttributes().stream()
                .filter(a -> !a.getName().startsWith("__") && !a.getName().equals("created")).toList()), PEOPLE, KEY,
                "update");
        assertThat(back).containsEntry("age", 36L).containsEntry("balance", new BigDecimal("12.5"))
                .containsEntry("seen", Instant.parse("2024-02-29T10:11:12Z"))
                .containsEntry("born", LocalDate.of(1815, 12, 10)).containsEntry("tags", List.of("x", "y"))
                .containsEntry("doc", "{\"a\":1}");
        assertThat((byte[]) back.get("photo")).containsExactly(1, 2, 3);
    }

    @Test
    void attributesToGetLimitTheAttributesButNeverTheUidOrName() {
        ConnectorObject theirs = ConnIdMapping.connectorObject(new dev.tributary.connector.ConnectorObject(
                new ObjectClass("people"), new Uid("7"), null, Map.of("name", "Ada", "age", 3L)), PEOPLE, KEY,
                Set.of("AGE"), false);
        assertThat(theirs.getAttributes()).extracting(a -> a.getName()).containsExactlyInAnyOrder("__UID__", "__NAME__",
                "age");
        assertThat(theirs.getUid().getRevision()).isNull();
    }

    @Test
    void clientValuesAreConvertedToTheFieldTypeOrRefusedByName() {
        Map<String, Object> fields = ConnIdMapping.fields(Set.of(AttributeBuilder.build("AGE", 5),
                AttributeBuilder.build("name", new GuardedString("secret".toCharArray())),
                AttributeBuilder.build("active", "true"), AttributeBuilder.build("balance", "1.50")), PEOPLE, KEY,
                "create");
        assertThat(fields).containsEntry("age", 5).containsEntry("name", "secret").containsEntry("active", true)
                .containsEntry("balance", new BigDecimal("1.50"));

        assertThatThrownBy(() -> ConnIdMapping.fields(Set.of(AttributeBuilder.build("age", "old")), PEOPLE, KEY, "create"))
                .isInstanceOf(InvalidAttributeValueException.class).hasMessageContaining("'age'");
        assertThatThrownBy(() -> ConnIdMapping.fields(Set.of(AttributeBuilder.build("created", ZonedDateTime.now())),
                PEOPLE, KEY, "create")).hasMessageContaining("read-only");
        assertThatThrownBy(() -> ConnIdMapping.fields(Set.of(AttributeBuilder.build("id", 3L)), PEOPLE, KEY, "create"))
                .hasMessageContaining("no attribute 'id'");
        assertThatThrownBy(() -> ConnIdMapping.fields(Set.of(AttributeBuilder.build(Name.NAME, "x")), PEOPLE, KEY,
                "create")).hasMessageContaining("key");
        assertThatThrownBy(() -> ConnIdMapping.fields(Set.of(AttributeBuilder.build("age", 1L),
                AttributeBuilder.build("Age", 2L)), PEOPLE, KEY, "create")).hasMessageContaining("twice");
    }

    @Test
    void tokensKeepTheirValueType() {
        assertThat(ConnIdMapping.syncToken(new dev.tributary.connector.SyncToken(42L)).getValue()).isEqualTo(42L);
        assertThat(ConnIdMapping.syncToken(new org.identityconnectors.framework.common.objects.SyncToken(7)).value())
                .isEqualTo(7);
        assertThat(ConnIdMapping.syncToken(new org.identityconnectors.framework.common.objects.SyncToken("t|1")).value())
                .isEqualTo("t|1");
        assertThatThrownBy(() -> ConnIdMapping.syncToken(new org.identityconnectors.framework.common.objects.SyncToken(1.5d)))
                .hasMessageContaining("Double");
    }

    @Test
    void failuresBecomeTheConnIdExceptionsClientsExpect() {
        org.identityconnectors.framework.common.objects.ObjectClass oc =
                new org.identityconnectors.framework.common.objects.ObjectClass("people");
        assertThat(ConnIdMapping.failure(new dev.tributary.connector.UnknownUidException(new ObjectClass("people"),
                new Uid("9")), oc)).isInstanceOf(UnknownUidException.class);
        assertThat(ConnIdMapping.failure(new VersionConflictException(new Uid("9"), "1", "2"), oc))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(ConnIdMapping.failure(new dev.tributary.connector.InvalidConfigurationException(List.of("bad")), oc))
                .isInstanceOf(ConfigurationException.class);
        assertThat(ConnIdMapping.failure(new dev.tributary.connector.ConnectorIOException("down"), oc))
                .isInstanceOf(org.identityconnectors.framework.common.exceptions.ConnectorIOException.class);
        assertThat(ConnIdMapping.failure(new IllegalArgumentException("no"), oc))
                .isInstanceOf(InvalidAttributeValueException.class);
    }
}
