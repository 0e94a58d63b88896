package dev.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every store backend must do; run against SQLite and PostgreSQL by its subclasses. */
abstract class StoreContract {

    protected final ManualClock clock = new ManualClock();
    protected StoreBackend backend;
    protected Store store;

    protected abstract StoreBackend backend();

    @BeforeEach
    void openStore() {
        backend = backend();
        store = backend.open(clock);
        store.addCommitListener(commits::add);
        store.collections().put("tasks", null);
    }

    @AfterEach
    void closeStore() {
        try {
            if (store != null) {
                assertChangeLogInvariants();
                store.close();
            }
        } finally {
            backend.close();
        }
    }

    /** Every commit the store announced during the test. */
    protected final List<Commit> commits = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * After every test: every committed write took its own position, at most the head; and each
     * collection's feed holds exactly the latest committed write of every record, once — a write
     * missing from it (or one the store never announced) fails, as does a stale version. Only a
     * tombstone at or below the collection's compaction horizon may be absent.
     */
    private void assertChangeLogInvariants() {
        for (String name : commits.stream().map(Commit::collection).distinct().toList()) {
            long head = store.changeLog().head(name);
            List<Long> positions = commits.stream().filter(c -> c.collection().equals(name))
                    .flatMap(c -> c.writes().stream()).map(w -> w.record().seq()).toList();
            assertThat(positions).as("positions of committed writes to %s", name).doesNotHaveDuplicates()
                    .allMatch(seq -> seq <= head);
        }
        for (CollectionInfo collection : store.collections().list()) {
            java.util.Map<String, StoredRecord> latest = new java.util.HashMap<>();
            commits.stream()
                    .filter(c -> c.collection().equals(collection.name()) && c.incarnation() == collection.incarnation())
                    .flatMap(c -> c.writes().stream()).map(AppliedWrite::record)
                    .forEach(r -> latest.merge(r.id(), r, (a, b) -> a.seq() > b.seq() ? a : b));
            ChangePage page = store.changeLog().read(collection.name(), 0, Long.MAX_VALUE, 100_000, true);
            List<String> ids = page.records().stream().map(StoredRecord::id).toList();
            assertThat(ids).as("records in the feed of %s", collection.name()).doesNotHaveDuplicates();
            for (StoredRecord inFeed : page.records()) {
                StoredRecord committed = latest.get(inFeed.id());
                assertThat(committed).as("the committed write behind feed entry %s", inFeed.id()).isNotNull();
                assertThat(List.of(inFeed.seq(), inFeed.version(), inFeed.deleted()))
                        .as("feed entry %s is its latest committed write", inFeed.id())
                        .isEqualTo(List.of(committed.seq(), committed.version(), committed.deleted()));
            }
            latest.values().stream()
                    .filter(r -> !ids.contains(r.id()))
                    .forEach(r -> assertThat(r.deleted() && r.seq() <= collection.horizon())
                            .as("committed write of %s at %d is missing from the feed of %s", r.id(), r.seq(),
                                    collection.name())
                            .isTrue());
        }
    }

    private static String json(int n) {
        return "{\"n\":" + n + "}";
    }

    @Test
    void commitsAreAnnouncedOnceCommittedAndNeverWhenRolledBack() {
        List<Commit> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        store.addCommitListener(heard::add);
        store.collections().put("notes", null);
        store.changeLog().apply("tasks", List.of(RecordWrite.put("a", json(1)), RecordWrite.put("b", json(2))), null);
        assertThat(heard).singleElement().satisfies(commit -> {
            assertThat(commit.collection()).isEqualTo("tasks");
            assertThat(commit.head()).isEqualTo(store.changeLog().head("tasks"));
            assertThat(commit.writes()).extracting(w -> w.record().id()).containsExactly("a", "b");
        });

        assertThatThrownBy(() -> store.transact(tx -> {
            tx.apply("tasks", List.of(RecordWrite.put("c", json(3))), null);
            throw new IllegalStateException("planned failure");
        })).hasMessage("planned failure");
        assertThatThrownBy(() -> store.changeLog().apply("tasks",
                List.of(RecordWrite.put("d", json(4)), RecordWrite.delete("missing")), null))
                .isInstanceOf(WriteRejectedException.class);
        assertThat(heard).as("rolled-back transactions are not announced").hasSize(1);

        store.transact(tx -> {
            tx.apply("tasks", List.of(RecordWrite.put("e", json(5))), null);
            tx.apply("notes", List.of(RecordWrite.put("n", json(6))), null);
            return null;
        });
        assertThat(heard).hasSize(3).extracting(Commit::collection).containsExactly("tasks", "tasks", "notes");
        assertThat(heard.get(2).head()).isEqualTo(store.changeLog().head("notes"));

        java.util.function.Consumer<Commit> failing = commit -> {
            throw new IllegalStateException("a listener's own failure");
        };
        store.addCommitListener(failing);
        store.changeLog().apply("tasks", List.of(RecordWrite.put("f", json(7))), null);
        assertThat(heard).as("a failing listener neither fails the write nor silences the others").hasSize(4);
        store.removeCommitListener(failing);
    }

    /**
     * What a link last had in sync rides with its mapping: replaced by a new base, kept when a
     * mapping at the same version comes without one, dropped when the version moves without one,
     * and copied into a conflict recorded for the record.
     */
    @Test
    void aMappingKeepsTheLastSyncedCopyAndAConflictTakesIt() {
        store.collections().put("people", null);
        String base = store.transact(tx -> {
            tx.putMappings("crm", List.of(new IdMapping("crm", "u1", "r1", 1, "e1", java.time.Instant.EPOCH),
                    new IdMapping("crm", "u2", "r2", 1, "e1", java.time.Instant.EPOCH)),
                    java.util.Arrays.asList("{\"name\":\"Ada\"}", "{\"name\":\"Bob\"}"));
            // Again at the same versions, without copies (an adopted write): the copies stay; r2 moved on: none.
            tx.putMappings("crm", List.of(new IdMapping("crm", "u1", "r1", 1, "e2", java.time.Instant.EPOCH),
                    new IdMapping("crm", "u2", "r2", 2, "e2", java.time.Instant.EPOCH)), java.util.Arrays.asList(null, null));
            String id = tx.recordConflict("crm", "r1", "u1", ConflictState.OPEN, "manual", null, "{}", "{}", "e3", "both");
            tx.recordConflict("crm", "r2", "u2", ConflictState.OPEN, "manual", null, "{}", "{}", "e3", "both");
            // Without copies at all (a link that keeps none): nothing is kept.
            tx.putMappings("erp", List.of(new IdMapping("erp", "u1", "r1", 1, "e1", java.time.Instant.EPOCH)));
            tx.recordConflict("erp", "r1", "u1", ConflictState.OPEN, "manual", null, "{}", "{}", "e3", "both");
            return id;
        });
        java.util.Map<String, String> bases = new java.util.TreeMap<>();
        for (ConflictRecord conflict : store.conflicts().list(ConflictState.OPEN, null, 10)) {
            bases.put(conflict.link() + "/" + conflict.recordId(), String.valueOf(conflict.baseData()));
        }
        assertThat(bases).containsExactly(java.util.Map.entry("crm/r1", "{\"name\":\"Ada\"}"),
                java.util.Map.entry("crm/r2", "null"), java.util.Map.entry("erp/r1", "null"));
        assertThat(store.conflicts().get(base).orElseThrow().baseData()).isEqualTo("{\"name\":\"Ada\"}");
    }

    /**
     * A mapping replaces the link's earlier mappings of its uid and of its record (an object
     * renamed, a record re-linked); within one call a later mapping wins; other links are untouched.
     */
    @Test
    void mappingsReplaceEarlierOnesOfTheirUidAndOfTheirRecord() {
        java.time.Instant t = java.time.Instant.EPOCH;
        for (boolean withBases : new boolean[] {false, true}) {
            String link = withBases ? "crm" : "erp";
            store.transact(tx -> {
                List<IdMapping> first = List.of(new IdMapping(link, "u1", "r1", 1, "e1", t),
                        new IdMapping(link, "u2", "r2", 1, "e1", t), new IdMapping(link, "u3", "r3", 1, "e1", t));
                tx.putMappings(link, first, withBases ? List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}") : null);
                tx.putMappings("other", List.of(new IdMapping("other", "u1", "r1", 7, "x", t)));
                // u1 now maps r2 (r2's old object u2 goes, r1's mapping goes); r3 is renamed to u9;
                // u4 is mapped twice in the call: the later (r5) wins.
                List<IdMapping> second = List.of(new IdMapping(link, "u1", "r2", 2, "e2", t),
                        new IdMapping(link, "u9", "r3", 2, "e2", t), new IdMapping(link, "u4", "r4", 1, "e1", t),
                        new IdMapping(link, "u4", "r5", 1, "e3", t));
                tx.putMappings(link, second, withBases ? List.of("{}", "{}", "{}", "{}") : null);
                return null;
            });
            java.util.Map<String, String> mapped = new java.util.TreeMap<>();
            for (IdMapping mapping : store.links().mappings(link)) {
                mapped.put(mapping.uid(), mapping.recordId() + "@" + mapping.hubVersion() + "/" + mapping.endpointVersion());
            }
            assertThat(mapped).as(link).containsExactly(java.util.Map.entry("u1", "r2@2/e2"),
                    java.util.Map.entry("u4", "r5@1/e3"), java.util.Map.entry("u9", "r3@2/e2"));
        }
        assertThat(store.links().mappings("other")).extracting(IdMapping::recordId).containsExactly("r1");
    }

    /**
     * SData states are kept per record of a collection: a later put replaces a record's state,
     * within one call the later state of a record wins, other records and collections keep theirs.
     */
    @Test
    void sdataStatesReplaceEarlierOnesOfTheirRecord() {
        java.time.Instant t = java.time.Instant.parse("2026-01-02T03:04:05.678Z");
        store.collections().put("other", null);
        store.transact(tx -> {
            tx.putSDataStates("tasks", List.of(new StoreTransaction.SDataState("r1", 1, "http://a", 5, t),
                    new StoreTransaction.SDataState("r2", 1, "http://a", 6, t)));
            tx.putSDataStates("other", List.of(new StoreTransaction.SDataState("r1", 9, "http://z", 1, t)));
            return null;
        });
        store.transact(tx -> {
            tx.putSDataStates("tasks", List.of(new StoreTransaction.SDataState("r1", 2, "http://b", 7, t.plusSeconds(1)),
                    new StoreTransaction.SDataState("r3", 1, "http://a", 8, t),
                    new StoreTransaction.SDataState("r3", 2, "http://c", 9, t.plusSeconds(2))));
            return null;
        });
        java.util.Map<String, StoreTransaction.SDataState> tasks = store.transact(tx -> tx.sdataStates("tasks",
                List.of("r1", "r2", "r3", "r4")));
        assertThat(new java.util.TreeMap<>(tasks)).containsExactly(
                java.util.Map.entry("r1", new StoreTransaction.SDataState("r1", 2, "http://b", 7, t.plusSeconds(1))),
                java.util.Map.entry("r2", new StoreTransaction.SDataState("r2", 1, "http://a", 6, t)),
                java.util.Map.entry("r3", new StoreTransaction.SDataState("r3", 2, "http://c", 9, t.plusSeconds(2))));
        assertThat(store.transact(tx -> tx.sdataStates("other", List.of("r1", "r2"))).values())
                .containsExactly(new StoreTransaction.SDataState("r1", 9, "http://z", 1, t));
    }

    @Test
    void putCreatesThenUpdatesWithGrowingVersionsAndPositions() {
        AppliedWrite created = single(RecordWrite.put("a", json(1)));
        AppliedWrite updated = single(RecordWrite.put("a", json(2)));

        assertThat(created.outcome()).isEqualTo(AppliedWrite.Outcome.CREATED);
        assertThat(updated.outcome()).isEqualTo(AppliedWrite.Outcome.UPDATED);
        assertThat(created.record().version()).isEqualTo(1);
        assertThat(updated.record().version()).isEqualTo(2);
        assertThat(updated.record().seq()).isGreaterThan(created.record().seq());
        StoredRecord stored = store.changeLog().get("tasks", "a").orElseThrow();
        assertThat(stored.dataText()).isEqualTo(json(2));
        assertThat(stored.origin()).isEqualTo("test");
        assertThat(stored.updated()).isEqualTo(clock.instant());
        assertThat(store.changeLog().head("tasks")).isEqualTo(updated.record().seq());
    }

    @Test
    void deleteLeavesATombstoneAndARecreateContinuesTheVersion() {
        single(RecordWrite.put("a", json(1)));
        AppliedWrite deleted = single(RecordWrite.delete("a"));
        assertThat(deleted.outcome()).isEqualTo(AppliedWrite.Outcome.DELETED);
        StoredRecord tombstone = store.changeLog().get("tasks", "a").orElseThrow();
        assertThat(tombstone.deleted()).isTrue();
        assertThat(tombstone.data()).isNull();
        assertThat(tombstone.version()).isEqualTo(2);

        AppliedWrite recreated = single(RecordWrite.put("a", json(3)));
        assertThat(recreated.outcome()).isEqualTo(AppliedWrite.Outcome.CREATED);
        assertThat(recreated.record().version()).isEqualTo(3);
    }

    @Test
    void deletingAMissingOrDeletedRecordIsRefused() {
        assertThatThrownBy(() -> single(RecordWrite.delete("nope")))
                .isInstanceOfSatisfying(WriteRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(WriteRejectedException.Reason.NOT_FOUND));
        single(RecordWrite.put("a", json(1)));
        single(RecordWrite.delete("a"));
        assertThatThrownBy(() -> single(RecordWrite.delete("a")))
                .isInstanceOf(WriteRejectedException.class)
                .hasMessageContaining("already deleted");
    }

    @Test
    void ifMatchAndIfNoneMatchAreChecked() {
        String etag = single(RecordWrite.put("a", json(1))).record().etag();
        long head = store.changeLog().head("tasks");

        assertThatThrownBy(() -> single(new RecordWrite(RecordWrite.Op.PUT, "a", "99", false, json(2))))
                .isInstanceOfSatisfying(WriteRejectedException.class, e -> assertThat(e.reason())
                        .isEqualTo(WriteRejectedException.Reason.PRECONDITION_FAILED));
        assertThatThrownBy(() -> single(new RecordWrite(RecordWrite.Op.PUT, "a", null, true, json(2))))
                .isInstanceOf(WriteRejectedException.class);
        assertThatThrownBy(() -> single(new RecordWrite(RecordWrite.Op.PUT, "b", "*", false, json(2))))
                .isInstanceOf(WriteRejectedException.class);
        assertThat(store.changeLog().head("tasks")).as("refused writes take no position").isEqualTo(head);

        AppliedWrite matched = single(new RecordWrite(RecordWrite.Op.PUT, "a", etag, false, json(2)));
        assertThat(matched.record().version()).isEqualTo(2);
        AppliedWrite created = single(new RecordWrite(RecordWrite.Op.PUT, "b", null, true, json(1)));
        assertThat(created.outcome()).isEqualTo(AppliedWrite.Outcome.CREATED);
        AppliedWrite deleted = single(new RecordWrite(RecordWrite.Op.DELETE, "b", "1", false, null));
        assertThat(deleted.record().deleted()).isTrue();
        assertThat(deleted.record().seq()).isEqualTo(head + 3);
    }

    @Test
    void aBatchWithOneFailingPreconditionAppliesNothing() {
        single(RecordWrite.put("a", json(1)));
        long head = store.changeLog().head("tasks");
        List<RecordWrite> batch = List.of(
                RecordWrite.put("x", json(1)),
                RecordWrite.put("y", json(2)),
                new RecordWrite(RecordWrite.Op.PUT, "a", "7", false, json(3)));

        assertThatThrownBy(() -> store.changeLog().apply("tasks", batch, "test"))
                .isInstanceOfSatisfying(WriteRejectedException.class, e -> {
                    assertThat(e.index()).isEqualTo(2);
                    assertThat(e.recordId()).isEqualTo("a");
                });
        assertThat(store.changeLog().get("tasks", "x")).isEmpty();
        assertThat(store.changeLog().get("tasks", "y")).isEmpty();
        assertThat(store.changeLog().get("tasks", "a").orElseThrow().version()).isEqualTo(1);
        assertThat(store.changeLog().head("tasks")).isEqualTo(head);
    }

    @Test
    void aBatchTakesConsecutivePositionsInItsOrder() {
        List<RecordWrite> batch = IntStream.range(0, 1000)
                .mapToObj(i -> RecordWrite.put("r" + i, json(i))).toList();
        List<AppliedWrite> applied = store.changeLog().apply("tasks", batch, "test");
        long first = applied.get(0).record().seq();
        for (int i = 0; i < applied.size(); i++) {
            assertThat(applied.get(i).record().seq()).isEqualTo(first + i);
            assertThat(applied.get(i).record().id()).isEqualTo("r" + i);
        }
    }

    @Test
    void aBatchNamingARecordTwiceOrTooLargeIsRefused() {
        assertThatThrownBy(() -> store.changeLog().apply("tasks",
                List.of(RecordWrite.put("a", json(1)), RecordWrite.delete("a")), "test"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        List<RecordWrite> tooMany = IntStream.range(0, ChangeLog.MAX_BATCH + 1)
                .mapToObj(i -> RecordWrite.put("r" + i, json(i))).toList();
        assertThatThrownBy(() -> store.changeLog().apply("tasks", tooMany, "test"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writingToAMissingCollectionIsRefused() {
        assertThatThrownBy(() -> store.changeLog().apply("nope", List.of(RecordWrite.put("a", json(1))), null))
                .isInstanceOf(CollectionNotFoundException.class);
    }

    @Test
    void readPagesThroughTheLogInPositionOrderLatestStateOnly() {
        for (int i = 0; i < 10; i++) {
            single(RecordWrite.put("r" + i, json(i)));
        }
        long middle = store.changeLog().head("tasks");
        single(RecordWrite.put("r3", json(33)));
        single(RecordWrite.delete("r5"));
        long head = store.changeLog().head("tasks");

        List<StoredRecord> all = new ArrayList<>();
        long after = 0;
        ChangePage page;
        do {
            page = store.changeLog().read("tasks", after, head, 3, false);
            assertThat(page.records().size()).isLessThanOrEqualTo(3);
            all.addAll(page.records());
            if (!page.records().isEmpty()) {
                after = page.records().get(page.records().size() - 1).seq();
            }
        } while (page.hasMore());
        assertThat(all).extracting(StoredRecord::id)
                .containsExactly("r0", "r1", "r2", "r4", "r6", "r7", "r8", "r9", "r3");

        ChangePage changes = store.changeLog().read("tasks", middle, head, 100, true);
        assertThat(changes.records()).extracting(StoredRecord::id).containsExactly("r3", "r5");
        assertThat(changes.records().get(1).deleted()).isTrue();
        assertThat(changes.hasMore()).isFalse();
        assertThat(store.changeLog().read("tasks", middle, middle + 1, 100, true).records())
                .extracting(StoredRecord::id).containsExactly("r3");
    }

    @Test
    void compactionRemovesOldTombstonesAndRaisesTheHorizon() {
        store.collections().put("tasks", Duration.ofDays(1));
        single(RecordWrite.put("a", json(1)));
        single(RecordWrite.put("b", json(1)));
        long deletedAt = single(RecordWrite.delete("a")).record().seq();
        clock.advance(Duration.ofHours(25));
        long recentDelete = single(RecordWrite.delete("b")).record().seq();

        assertThat(store.compactor().compactAll()).containsEntry("tasks", 1);

        assertThat(store.changeLog().get("tasks", "a")).isEmpty();
        assertThat(store.changeLog().get("tasks", "b").orElseThrow().deleted()).isTrue();
        CollectionInfo info = store.collections().get("tasks").orElseThrow();
        assertThat(info.horizon()).isEqualTo(deletedAt);
        assertThat(store.changeLog().read("tasks", 0, Long.MAX_VALUE, 10, true).horizon())
                .isEqualTo(deletedAt);
        assertThat(recentDelete).isGreaterThan(deletedAt);
        assertThat(store.compactor().compactAll()).isEmpty();
    }

    @Test
    void aRecreatedCollectionHasANewIncarnationAndNoRecords() {
        single(RecordWrite.put("a", json(1)));
        long before = store.collections().get("tasks").orElseThrow().incarnation();
        assertThat(store.collections().delete("tasks")).isTrue();
        assertThat(store.collections().delete("tasks")).isFalse();
        CollectionCatalog.PutResult again = store.collections().put("tasks", null);
        assertThat(again.created()).isTrue();
        assertThat(again.collection().incarnation()).isNotEqualTo(before);
        assertThat(store.changeLog().get("tasks", "a")).isEmpty();
    }

    @Test
    void collectionsHaveDefaultsValidationAndChangeableRetention() {
        CollectionInfo tasks = store.collections().get("tasks").orElseThrow();
        assertThat(tasks.retention()).isEqualTo(CollectionCatalog.DEFAULT_RETENTION);
        CollectionCatalog.PutResult changed = store.collections().put("tasks", Duration.ofDays(7));
        assertThat(changed.created()).isFalse();
        assertThat(changed.collection().retention()).isEqualTo(Duration.ofDays(7));
        assertThat(store.collections().list()).extracting(CollectionInfo::name).containsExactly("tasks");
        assertThatThrownBy(() -> store.collections().put("bad name", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.collections().put("x", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theEpochAndSigningKeySurviveAReopen() {
        String epoch = store.epoch();
        byte[] key = store.tokenSigningKey();
        single(RecordWrite.put("a", json(1)));
        store.close();
        store = backend.open(clock);
        assertThat(store.epoch()).isEqualTo(epoch);
        assertThat(store.tokenSigningKey()).isEqualTo(key);
        assertThat(store.changeLog().get("tasks", "a")).isPresent();
    }

    @Test
    void accessTokensAreCheckedByHashAndCanBeRevoked() {
        AccessTokens.IssuedToken issued = store.accessTokens().create("ci", List.of("read:tasks", "write:tasks"));
        assertThat(issued.secret()).startsWith(AccessTokens.PREFIX);
        AccessToken found = store.accessTokens().authenticate(issued.secret()).orElseThrow();
        assertThat(found.id()).isEqualTo(issued.token().id());
        assertThat(found.scopes()).containsExactly("read:tasks", "write:tasks");
        assertThat(store.accessTokens().authenticate(issued.secret() + "x")).isEmpty();
        assertThat(store.accessTokens().authenticate("nonsense")).isEmpty();
        assertThat(store.accessTokens().list()).extracting(AccessToken::id).contains(found.id());

        assertThat(store.accessTokens().revoke(found.id())).isTrue();
        assertThat(store.accessTokens().authenticate(issued.secret())).isEmpty();
        assertThat(store.accessTokens().revoke(found.id())).isFalse();
    }

    private AppliedWrite single(RecordWrite write) {
        return store.changeLog().apply("tasks", List.of(write), "test").get(0);
    }
}
