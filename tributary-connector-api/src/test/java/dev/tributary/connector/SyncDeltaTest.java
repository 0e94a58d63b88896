package dev.tributary.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyncDeltaTest {

    private static final ObjectClass USERS = new ObjectClass("users");
    private static final SyncToken TOKEN = new SyncToken(7L);
    private static final ConnectorObject ADA = new ConnectorObject(USERS, new Uid("ada"), "3", Map.of("name", "Ada"));

    @Test
    void aDeltaTakesItsUidAndClassFromItsObject() {
        SyncDelta delta = SyncDelta.builder().type(SyncDeltaType.UPDATE).token(TOKEN).object(ADA)
                .previousUid(new Uid("ada.l")).build();
        assertThat(delta.uid()).isEqualTo(new Uid("ada"));
        assertThat(delta.objectClass()).isEqualTo(USERS);
        assertThat(delta.previousUid()).isEqualTo(new Uid("ada.l"));
    }

    @Test
    void theRulesAreEnforcedWhenADeltaIsBuilt() {
        assertThatThrownBy(() -> SyncDelta.builder().type(SyncDeltaType.CREATE).object(ADA).build())
                .hasMessageContaining("token");
        assertThatThrownBy(() -> SyncDelta.builder().token(TOKEN).object(ADA).build()).hasMessageContaining("type");
        assertThatThrownBy(() -> SyncDelta.builder().type(SyncDeltaType.UPDATE).token(TOKEN).objectClass(USERS)
                .uid(new Uid("ada")).build()).hasMessageContaining("only a DELETE may omit");
        assertThatThrownBy(() -> SyncDelta.builder().type(SyncDeltaType.UPDATE).token(TOKEN).uid(new Uid("bob"))
                .object(ADA).build()).hasMessageContaining("differs");
        assertThatThrownBy(() -> SyncDelta.builder().type(SyncDeltaType.DELETE).token(TOKEN).objectClass(ObjectClass.ALL)
                .uid(new Uid("ada")).build()).hasMessageContaining("concrete");
        assertThatThrownBy(() -> SyncDelta.builder().type(SyncDeltaType.DELETE).token(TOKEN).objectClass(USERS)
                .uid(new Uid("ada")).previousUid(new Uid("x")).build()).hasMessageContaining("previousUid");
        assertThatThrownBy(() -> SyncDelta.builder().type(SyncDeltaType.UPDATE).token(TOKEN).object(ADA)
                .previousUid(new Uid("ada")).build()).hasMessageContaining("previousUid");
        assertThatThrownBy(() -> SyncDelta.builder().type(SyncDeltaType.UPDATE).token(TOKEN)
                .objectClass(new ObjectClass("groups")).object(ADA).build()).hasMessageContaining("object class");

        SyncDelta delete = SyncDelta.builder().type(SyncDeltaType.DELETE).token(TOKEN).objectClass(USERS)
                .uid(new Uid("ada")).build();
        assertThat(delete.object()).isNull();
    }

    @Test
    void fieldValuesAreCheckedAndCopied() {
        List<Object> list = new java.util.ArrayList<>(List.of("a"));
        ConnectorObject object = new ConnectorObject(USERS, new Uid("x"), null, Map.of("tags", list));
        list.add("b");
        assertThat(object.fields().get("tags")).isEqualTo(List.of("a"));
        assertThatThrownBy(() -> new ConnectorObject(USERS, new Uid("x"), null, Map.of("when", new java.util.Date())))
                .hasMessageContaining("not a supported field value type");
        assertThatThrownBy(() -> new ConnectorObject(USERS, new Uid("x"), null, Map.of("n", Double.NaN)))
                .hasMessageContaining("no JSON form");
        Object deep = "leaf";
        for (int i = 0; i < 40; i++) {
            deep = List.of(deep);
        }
        Object tooDeep = deep;
        assertThatThrownBy(() -> FieldValues.copyOf(Map.of("deep", tooDeep))).hasMessageContaining("nested deeper");
        assertThatThrownBy(() -> new SyncToken(new Object())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Uid(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ObjectClass("bad name")).isInstanceOf(IllegalArgumentException.class);
    }
}
