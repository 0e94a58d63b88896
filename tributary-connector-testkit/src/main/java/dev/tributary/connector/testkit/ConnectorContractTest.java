package dev.tributary.connector.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.CreateOp;
import dev.tributary.connector.DeleteOp;
import dev.tributary.connector.InvalidConfigurationException;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.SearchOp;
import dev.tributary.connector.SearchResult;
import dev.tributary.connector.SyncDelta;
import dev.tributary.connector.SyncDeltaType;
import dev.tributary.connector.SyncOp;
import dev.tributary.connector.SyncResultsHandler;
import dev.tributary.connector.SyncToken;
import dev.tributary.connector.SyncTokenResultsHandler;
import dev.tributary.connector.Uid;
import dev.tributary.connector.UnknownUidException;
import dev.tributary.connector.UpdateOp;
import dev.tributary.connector.Write;
import dev.tributary.connector.WriteOutcome;
import dev.tributary.connector.VersionConflictException;
import dev.tributary.connector.VersionedUid;
import dev.tributary.connector.runtime.GuardedConnector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every connector passes. A connector module extends this class and returns its
 * {@link ConnectorFixture} from {@link #createFixture()}:
 *
 * <pre>{@code
 * class MemoryConnectorContractTest extends ConnectorContractTest {
 *     protected ConnectorFixture createFixture() { return new MemoryFixture(); }
 * }
 * }</pre>
 *
 * Tests of capabilities the connector lacks (say, a read-only connector's writes) are skipped
 * with a message; everything it implements must behave exactly as the SPI says.
 */
public abstract class ConnectorContractTest {

    /** How many objects the bulk tests create. */
    protected static final int OBJECTS = 25;

    protected ConnectorFixture fixture;
    protected GuardedConnector connector;

    /** A fresh fixture for one test. */
    protected abstract ConnectorFixture createFixture() throws Exception;

    /**
     * Checks this connector is known not to pass, by test method name, each with the reason — for
     * third-party connectors run through a bridge, whose behaviour we record but cannot change.
     * Those tests are reported as skipped with the reason. Tributary's own connectors have none.
     */
    protected Map<String, String> knownGaps() {
        return Map.of();
    }

    @BeforeEach
    void openConnector(org.junit.jupiter.api.TestInfo test) throws Exception {
        String gap = knownGaps().get(test.getTestMethod().map(java.lang.reflect.Method::getName).orElse(""));
        org.junit.jupiter.api.Assumptions.assumeTrue(gap == null, () -> "a known gap of this connector: " + gap);
        fixture = createFixture();
        connector = GuardedConnector.open(fixture.newConnector(), fixture.settings());
    }

    @AfterEach
    void closeConnector() throws Exception {
        try {
            if (connector != null) {
                assertThat(connector.droppedAfterStop()).as("deltas delivered after the handler stopped").isZero();
                connector.close();
            }
        } finally {
            if (fixture != null) {
                fixture.close();
            }
        }
    }

    // ---- helpers

    /** The deltas and final token of one sync. */
    protected record Synced(List<SyncDelta> deltas, SyncToken finalToken) {
        List<Uid> uids() {
            return deltas.stream().map(SyncDelta::uid).toList();
        }
    }

    protected Synced sync(SyncToken token) {
        List<SyncDelta> deltas = new ArrayList<>();
        SyncToken end = connector.sync(fixture.objectClass(), token, deltas::add, null);
        return new Synced(deltas, end);
    }

    private ObjectClass objectClass() {
        return fixture.objectClass();
    }

    private List<Uid> createMany(int count) {
        List<Uid> uids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            uids.add(fixture.createExternally(fixture.fields(i)));
        }
        return uids;
    }

    private void requireSync() {
        assumeTrue(connector.supports(SyncOp.class), "the connector does not implement SyncOp");
    }

    /** The latest state per uid, replaying deltas in order. */
    private static Map<Uid, SyncDelta> replay(List<SyncDelta> deltas) {
        Map<Uid, SyncDelta> state = new LinkedHashMap<>();
        for (SyncDelta delta : deltas) {
            if (delta.previousUid() != null) {
                state.remove(delta.previousUid());
            }
            state.put(delta.uid(), delta);
        }
        return state;
    }

    // ---- sync

    @Test
    void syncFromANullTokenReturnsEverything() {
        requireSync();
        List<Uid> uids = createMany(OBJECTS);
        Synced all = sync(null);
        Map<Uid, SyncDelta> state = replay(all.deltas());
        for (int i = 0; i < uids.size(); i++) {
            SyncDelta last = state.get(uids.get(i));
            assertThat(last).as("object %s is delivered", uids.get(i)).isNotNull();
            assertThat(last.type()).isNotEqualTo(SyncDeltaType.DELETE);
            FieldMatch.assertContains(last.object().fields(), fixture.fields(i), "object " + uids.get(i));
        }
        assertThat(all.finalToken()).as("a sync that delivered deltas ends with a token").isNotNull();
        assertThat(sync(all.finalToken()).deltas()).as("nothing after the final token").isEmpty();
    }

    @Test
    void syncFromTheLatestTokenReturnsNothing() {
        requireSync();
        createMany(5);
        SyncToken latest = connector.getLatestSyncToken(objectClass());
        assertThat(latest).isNotNull();
        Synced none = sync(latest);
        assertThat(none.deltas()).isEmpty();
        assertThat(none.finalToken()).as("an empty sync keeps (at least) the token").isNotNull();
    }

    @Test
    void createUpdateAndDeleteEachProduceExactlyOneDeltaOfTheRightType() {
        requireSync();
        createMany(3);
        SyncToken token = sync(null).finalToken();
        boolean strict = fixture.distinguishesCreatesFromUpdates();

        Uid created = fixture.createExternally(fixture.fields(100));
        Synced afterCreate = sync(token);
        assertThat(afterCreate.deltas()).hasSize(1);
        SyncDelta create = afterCreate.deltas().get(0);
        assertThat(create.uid()).isEqualTo(created);
        assertThat(create.type()).isIn(strict ? Set.of(SyncDeltaType.CREATE)
                : Set.of(SyncDeltaType.CREATE, SyncDeltaType.CREATE_OR_UPDATE));
        FieldMatch.assertContains(create.object().fields(), fixture.fields(100), "created object");

        fixture.updateExternally(created, fixture.fields(101));
        Synced afterUpdate = sync(afterCreate.finalToken());
        assertThat(afterUpdate.deltas()).hasSize(1);
        SyncDelta update = afterUpdate.deltas().get(0);
        assertThat(update.uid()).isEqualTo(created);
        assertThat(update.type()).isIn(strict ? Set.of(SyncDeltaType.UPDATE)
                : Set.of(SyncDeltaType.UPDATE, SyncDeltaType.CREATE_OR_UPDATE));
        FieldMatch.assertContains(update.object().fields(), fixture.fields(101), "updated object");
        if (create.object().version() != null) {
            assertThat(update.object().version()).as("an update changes the version")
                    .isNotEqualTo(create.object().version());
        }

        fixture.deleteExternally(created);
        Synced afterDelete = sync(afterUpdate.finalToken());
        assertThat(afterDelete.deltas()).hasSize(1);
        assertThat(afterDelete.deltas().get(0).type()).isEqualTo(SyncDeltaType.DELETE);
        assertThat(afterDelete.deltas().get(0).uid()).isEqualTo(created);
        assertThat(sync(afterDelete.finalToken()).deltas()).isEmpty();
    }

    @Test
    void aRenameCarriesThePreviousUid() {
        requireSync();
        Uid original = fixture.createExternally(fixture.fields(1));
        SyncToken token = sync(null).finalToken();
        var renamed = fixture.renameExternally(original, "renamed-" + original.value());
        assumeTrue(renamed.isPresent(), "the fixture's system cannot rename objects");
        Synced after = sync(token);
        assertThat(after.deltas()).hasSize(1);
        SyncDelta rename = after.deltas().get(0);
        assertThat(rename.uid()).isEqualTo(renamed.get());
        assertThat(rename.previousUid()).isEqualTo(original);
        assertThat(rename.type()).isNotEqualTo(SyncDeltaType.DELETE);
    }

    @Test
    void stoppingTheHandlerStopsDelivery() {
        requireSync();
        createMany(10);
        List<SyncDelta> seen = new ArrayList<>();
        SyncResultsHandler stopAtThree = delta -> {
            seen.add(delta);
            return seen.size() < 3;
        };
        // Straight to the connector: the runtime would hide deltas delivered after the stop.
        ((SyncOp) connector.connector()).sync(objectClass(), null, stopAtThree, OperationOptions.DEFAULTS);
        assertThat(seen).as("deltas delivered after the handler returned false").hasSize(3);

        seen.clear();
        SyncToken resumeFrom = connector.sync(objectClass(), null, stopAtThree, null);
        assertThat(resumeFrom).as("the final token after a stop is the token of the last delta handled")
                .isEqualTo(seen.get(2).token());
        List<Uid> rest = sync(resumeFrom).uids();
        assertThat(rest).hasSize(7).doesNotContainAnyElementsOf(seen.stream().map(SyncDelta::uid).toList());
    }

    @Test
    void theFinalTokenIsHandedBackThroughTheTokenResultsHandler() {
        requireSync();
        createMany(4);
        List<SyncDelta> deltas = new ArrayList<>();
        List<SyncToken> finals = new ArrayList<>();
        SyncTokenResultsHandler handler = new SyncTokenResultsHandler() {
            @Override
            public boolean handle(SyncDelta delta) {
                deltas.add(delta);
                return true;
            }

            @Override
            public void handleResult(SyncToken finalToken) {
                finals.add(finalToken);
            }
        };
        ((SyncOp) connector.connector()).sync(objectClass(), null, handler, OperationOptions.DEFAULTS);
        assertThat(finals).as("handleResult is called once").hasSize(1);
        assertThat(finals.get(0)).isNotNull();
        assertThat(sync(finals.get(0)).deltas()).isEmpty();
    }

    @Test
    void resumingFromAnyDeltasTokenDeliversExactlyTheRest() {
        requireSync();
        List<Uid> uids = createMany(8);
        fixture.updateExternally(uids.get(2), fixture.fields(50));
        fixture.deleteExternally(uids.get(5));
        fixture.updateExternally(uids.get(0), fixture.fields(51));
        List<SyncDelta> all = sync(null).deltas();
        assertThat(all).isNotEmpty();
        for (int i = 0; i < all.size(); i++) {
            List<SyncDelta> rest = sync(all.get(i).token()).deltas();
            List<SyncDelta> expected = all.subList(i + 1, all.size());
            assertThat(rest.stream().map(d -> d.type() + " " + d.uid()).toList())
                    .as("resuming after delta %d (%s)", i, all.get(i))
                    .isEqualTo(expected.stream().map(d -> d.type() + " " + d.uid()).toList());
        }
    }

    @Test
    void syncArgumentsAreChecked() {
        requireSync();
        assertThatThrownBy(() -> connector.sync(null, null, d -> true, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> connector.sync(objectClass(), null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> connector.getLatestSyncToken(null))
                .isInstanceOf(IllegalArgumentException.class);
        ObjectClass unknown = new ObjectClass("no_such_class_" + Math.abs(System.nanoTime() % 1000));
        assertThatThrownBy(() -> connector.sync(unknown, null, d -> true, null))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void syncOfAllObjectClassesNamesEachDeltasClass() {
        requireSync();
        createMany(3);
        List<SyncDelta> deltas = new ArrayList<>();
        try {
            connector.sync(ObjectClass.ALL, null, deltas::add, null);
        } catch (UnsupportedOperationException e) {
            assumeTrue(false, "the connector does not sync ObjectClass.ALL: " + e.getMessage());
        }
        assertThat(deltas).isNotEmpty().allSatisfy(d -> assertThat(d.objectClass().isAll()).isFalse());
        assertThat(deltas.stream().filter(d -> d.objectClass().equals(objectClass())).count()).isGreaterThanOrEqualTo(3);
    }

    // ---- writes

    @Test
    void writesReturnVersionsAndShowUpInTheSync() {
        assumeTrue(connector.supports(CreateOp.class) && connector.supports(UpdateOp.class)
                && connector.supports(DeleteOp.class) && connector.supports(SearchOp.class),
                "the connector does not implement create, update, delete and search");
        VersionedUid created = connector.create(objectClass(), fixture.fields(7), null);
        ConnectorObject read = connector.get(objectClass(), created.uid(), null).orElseThrow();
        FieldMatch.assertContains(read.fields(), fixture.fields(7), "created object");
        assertThat(read.version()).isEqualTo(created.version());

        VersionedUid updated = connector.update(objectClass(), created.uid(), created.version(), fixture.fields(8), null);
        assertThat(updated.uid()).isEqualTo(created.uid());
        ConnectorObject reread = connector.get(objectClass(), created.uid(), null).orElseThrow();
        FieldMatch.assertContains(reread.fields(), fixture.fields(8), "updated object");
        assertThat(reread.version()).isEqualTo(updated.version());
        if (created.version() != null) {
            assertThat(updated.version()).isNotEqualTo(created.version());
        }
        connector.delete(objectClass(), created.uid(), updated.version(), null);
        assertThat(connector.get(objectClass(), created.uid(), null)).isEmpty();

        if (connector.supports(SyncOp.class)) {
            Map<Uid, SyncDelta> state = replay(sync(null).deltas());
            assertThat(state.get(created.uid())).isNotNull();
            assertThat(state.get(created.uid()).type()).isEqualTo(SyncDeltaType.DELETE);
        }
    }

    @Test
    void aStaleExpectedVersionIsAConflictAndChangesNothing() {
        assumeTrue(connector.supports(UpdateOp.class) && connector.supports(SearchOp.class),
                "the connector does not implement update and search");
        Uid uid = fixture.createExternally(fixture.fields(1));
        ConnectorObject before = connector.get(objectClass(), uid, null).orElseThrow();
        assumeTrue(before.version() != null, "the connector's system keeps no versions");
        fixture.updateExternally(uid, fixture.fields(2));
        ConnectorObject changed = connector.get(objectClass(), uid, null).orElseThrow();
        assertThat(changed.version()).isNotEqualTo(before.version());

        assertThatThrownBy(() -> connector.update(objectClass(), uid, before.version(), fixture.fields(3), null))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> assertThat(e.uid()).isEqualTo(uid));
        ConnectorObject after = connector.get(objectClass(), uid, null).orElseThrow();
        assertThat(after.version()).isEqualTo(changed.version());
        FieldMatch.assertContains(after.fields(), fixture.fields(2), "object after a refused update");

        if (connector.supports(DeleteOp.class)) {
            assertThatThrownBy(() -> connector.delete(objectClass(), uid, before.version(), null))
                    .isInstanceOf(VersionConflictException.class);
            assertThat(connector.get(objectClass(), uid, null)).as("a refused delete deletes nothing").isPresent();
        }
    }

    @Test
    void batchWritesReportEachOutcomeOnItsOwn() {
        assumeTrue(connector.supports(CreateOp.class) && connector.supports(UpdateOp.class)
                && connector.supports(DeleteOp.class) && connector.supports(SearchOp.class),
                "the connector does not implement create, update, delete and search");
        VersionedUid a = connector.create(objectClass(), fixture.fields(1), null);
        VersionedUid b = connector.create(objectClass(), fixture.fields(2), null);
        VersionedUid c = connector.create(objectClass(), fixture.fields(5), null);
        assumeTrue(a.version() != null, "the connector's system keeps no versions");
        List<WriteOutcome> outcomes = connector.write(objectClass(), List.of(
                Write.create(fixture.fields(3)),
                Write.update(a.uid(), a.version(), fixture.fields(4)),
                Write.update(b.uid(), a.version(), fixture.fields(6)),
                Write.delete(new Uid("no-such-object-" + OBJECTS), null),
                Write.delete(c.uid(), c.version())), null);

        assertThat(outcomes).hasSize(5);
        assertThat(outcomes.get(0).succeeded()).as("create").isTrue();
        ConnectorObject created = connector.get(objectClass(), outcomes.get(0).result().uid(), null).orElseThrow();
        FieldMatch.assertContains(created.fields(), fixture.fields(3), "created in a batch");
        assertThat(created.version()).isEqualTo(outcomes.get(0).result().version());

        assertThat(outcomes.get(1).succeeded()).as("update").isTrue();
        ConnectorObject updated = connector.get(objectClass(), a.uid(), null).orElseThrow();
        FieldMatch.assertContains(updated.fields(), fixture.fields(4), "updated in a batch");
        assertThat(updated.version()).isEqualTo(outcomes.get(1).result().version()).isNotEqualTo(a.version());

        assertThat(outcomes.get(2).failure()).as("stale update").isInstanceOf(VersionConflictException.class);
        FieldMatch.assertContains(connector.get(objectClass(), b.uid(), null).orElseThrow().fields(), fixture.fields(2),
                "object whose update was refused");
        assertThat(outcomes.get(3).failure()).as("delete of nothing").isInstanceOf(UnknownUidException.class);
        assertThat(outcomes.get(4).succeeded()).as("delete").isTrue();
        assertThat(connector.get(objectClass(), c.uid(), null)).isEmpty();
    }

    // ---- search

    @Test
    void pagingReturnsEveryObjectExactlyOnce() {
        assumeTrue(connector.supports(SearchOp.class), "the connector does not implement SearchOp");
        List<Uid> uids = createMany(OBJECTS);
        Map<Uid, Integer> seen = new HashMap<>();
        String cookie = null;
        int pages = 0;
        do {
            List<ConnectorObject> page = new ArrayList<>();
            SearchResult result = connector.search(objectClass(), page::add,
                    new OperationOptions(7, cookie, null));
            assertThat(page.size()).isLessThanOrEqualTo(7);
            page.forEach(o -> seen.merge(o.uid(), 1, Integer::sum));
            cookie = result.pagedResultsCookie();
            pages++;
            assertThat(pages).as("paging ends").isLessThan(100);
        } while (cookie != null);
        assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(uids);
        assertThat(seen.values()).allMatch(count -> count == 1);
        assertThat(pages).isGreaterThanOrEqualTo(4);
    }

    // ---- configuration

    @Test
    void configurationValidationReportsEveryProblem() {
        var connectorUnderTest = fixture.newConnector();
        assertThatThrownBy(() -> connectorUnderTest.configDef().validate(fixture.invalidSettings()))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> {
                    for (String name : fixture.invalidSettingNames()) {
                        assertThat(e.problems()).as("a problem about '%s'", name)
                                .anySatisfy(problem -> assertThat(problem).contains("'" + name + "'"));
                    }
                    assertThat(e.problems()).hasSizeGreaterThanOrEqualTo(fixture.invalidSettingNames().size());
                });
        assertThat(connectorUnderTest.configDef().keys()).allSatisfy(key ->
                assertThat(key.description()).as("setting %s is described", key.name()).isNotBlank());
    }

    @Test
    void theConnectorPassesItsOwnConnectionTest() {
        connector.test();
    }
}
