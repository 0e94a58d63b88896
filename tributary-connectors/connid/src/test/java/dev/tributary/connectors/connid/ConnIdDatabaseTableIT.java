package dev.tributary.connectors.connid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.Connector;
import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.SchemaOp;
import dev.tributary.connector.SearchOp;
import dev.tributary.connector.SyncDelta;
import dev.tributary.connector.SyncDeltaType;
import dev.tributary.connector.SyncOp;
import dev.tributary.connector.SyncToken;
import dev.tributary.connector.SyncTokenResultsHandler;
import dev.tributary.connector.Uid;
import dev.tributary.connector.CreateOp;
import dev.tributary.connector.UpdateOp;
import dev.tributary.connector.DeleteOp;
import dev.tributary.connector.testkit.ExternalDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The real DatabaseTable bundle through the bridge, on PostgreSQL and MariaDB. */
class ConnIdDatabaseTableIT {

    static final ObjectClass ACCOUNT = new ObjectClass("__ACCOUNT__");

    record Synced(List<SyncDelta> deltas, SyncToken token) {
    }

    static Synced sync(Connector connector, SyncToken from) {
        List<SyncDelta> deltas = new ArrayList<>();
        AtomicReference<SyncToken> last = new AtomicReference<>();
        ((SyncOp) connector).sync(ACCOUNT, from, new SyncTokenResultsHandler() {
            @Override
            public boolean handle(SyncDelta delta) {
                deltas.add(delta);
                return true;
            }

            @Override
            public void handleResult(SyncToken finalToken) {
                last.set(finalToken);
            }
        }, OperationOptions.DEFAULTS);
        return new Synced(deltas, last.get());
    }

    @ParameterizedTest
    @EnumSource(DatabaseTables.Kind.class)
    void syncsSearchesWritesAndDescribesARealTable(DatabaseTables.Kind kind) {
        try (ExternalDatabases.Scratch db = DatabaseTables.create(kind, "people")) {
            DatabaseTables.execute(db.jdbcUrl(), "INSERT INTO people (id, name, email, age) VALUES ('ada', 'Ada', 'ada@example.com', 36)",
                    "INSERT INTO people (id, name, email, age) VALUES ('grace', 'Grace', 'grace@example.com', 45)");
            Connector connector = DatabaseTables.connector(DatabaseTables.settings(kind, db.jdbcUrl(), "people"));
            try {
                connector.test();
                Synced first = sync(connector, null);
                assertThat(first.deltas()).extracting(d -> d.uid().value()).containsExactly("ada", "grace");
                assertThat(first.deltas().get(0).type()).isEqualTo(SyncDeltaType.CREATE_OR_UPDATE);
                assertThat(first.deltas().get(0).object().fields()).containsEntry("name", "Ada").containsEntry("__NAME__", "ada");
                assertThat(first.token()).as("the last delta's token when the facade gives none").isNotNull()
                        .isEqualTo(first.deltas().get(1).token());
                assertThat(first.token().value()).as("an integer column's token keeps its type").isInstanceOfAny(Long.class, Integer.class);
                assertThat(sync(connector, first.token()).deltas()).isEmpty();

                DatabaseTables.execute(db.jdbcUrl(), "UPDATE people SET email = 'ada@lovelace.org' WHERE id = 'ada'");
                Synced second = sync(connector, first.token());
                assertThat(second.deltas()).singleElement().satisfies(d -> {
                    assertThat(d.uid().value()).isEqualTo("ada");
                    assertThat(d.object().fields()).containsEntry("email", "ada@lovelace.org");
                });

                var created = ((CreateOp) connector).create(ACCOUNT, Map.of("__NAME__", "alan", "name", "Alan", "age", 41),
                        OperationOptions.DEFAULTS);
                assertThat(created.uid().value()).isEqualTo("alan");
                ((UpdateOp) connector).update(ACCOUNT, new Uid("alan"), null, Map.of("email", "alan@example.com"), OperationOptions.DEFAULTS);
                Synced third = sync(connector, second.token());
                assertThat(third.deltas()).extracting(d -> d.uid().value()).containsExactly("alan");
                assertThat(third.deltas().get(0).object().fields()).containsEntry("email", "alan@example.com");

                ((DeleteOp) connector).delete(ACCOUNT, new Uid("grace"), null, OperationOptions.DEFAULTS);
                assertThat(sync(connector, third.token()).deltas()).as("DatabaseTable never reports deletes").isEmpty();

                List<ConnectorObject> all = new ArrayList<>();
                ((SearchOp) connector).search(ACCOUNT, all::add, OperationOptions.DEFAULTS);
                assertThat(all).extracting(o -> o.uid().value()).containsExactlyInAnyOrder("ada", "alan");
                assertThat(((SearchOp) connector).get(ACCOUNT, new Uid("grace"), OperationOptions.DEFAULTS)).isEmpty();

                var schema = ((SchemaOp) connector).schema();
                assertThat(schema.objectClass(ACCOUNT)).isPresent();
                assertThat(schema.objectClass(ACCOUNT).orElseThrow().field("email")).isPresent();
            } finally {
                connector.dispose();
            }
        }
    }
}
