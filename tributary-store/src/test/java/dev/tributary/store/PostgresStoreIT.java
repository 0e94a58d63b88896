package dev.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PostgresStoreIT extends StoreContract {

    @Override
    protected StoreBackend backend() {
        return StoreBackend.postgres();
    }

    /**
     * Writers of different collections do not serialize: while one transaction holds a write to
     * "tasks" open, a write to "notes" — from this store or another node's — commits at once; a
     * second write to "tasks" waits for the first and takes the next position after it.
     */
    @Test
    void aWriterWaitsOnlyForWritersOfItsOwnCollection() throws Exception {
        store.collections().put("notes", null);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Store otherNode = backend.open(clock)) {
            otherNode.addCommitListener(commits::add);
            CompletableFuture<Long> open = CompletableFuture.supplyAsync(() -> store.transact("tasks", tx -> {
                long seq = tx.apply("tasks", List.of(RecordWrite.put("a", "{}")), "first").get(0).record().seq();
                holding.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return seq;
            }));
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            try {
                CompletableFuture<Void> otherCollection = CompletableFuture.runAsync(() ->
                        store.changeLog().apply("notes", List.of(RecordWrite.put("n", "{}")), "second"));
                CompletableFuture<Void> otherCollectionElsewhere = CompletableFuture.runAsync(() ->
                        otherNode.changeLog().apply("notes", List.of(RecordWrite.put("m", "{}")), "third"));
                otherCollection.get(10, TimeUnit.SECONDS);
                otherCollectionElsewhere.get(10, TimeUnit.SECONDS);
                assertThat(otherNode.changeLog().head("notes")).isEqualTo(store.changeLog().head("notes"));

                CompletableFuture<Long> sameCollection = CompletableFuture.supplyAsync(() -> otherNode.changeLog()
                        .apply("tasks", List.of(RecordWrite.put("b", "{}")), "fourth").get(0).record().seq());
                Thread.sleep(500);
                assertThat(sameCollection).as("a writer of the same collection waits for the open one").isNotDone();
                assertThat(store.changeLog().get("tasks", "a")).as("not committed yet").isEmpty();
                release.countDown();
                long first = open.get(10, TimeUnit.SECONDS);
                assertThat(sameCollection.get(10, TimeUnit.SECONDS)).isEqualTo(first + 1);
                assertThat(store.changeLog().head("tasks")).isEqualTo(first + 1);
            } finally {
                release.countDown();
            }
        }
    }

    /**
     * A store written before collections had heads of their own (schema version 18) goes on where
     * its single head stopped: every collection's next position is above every position handed out
     * before, also for a name first seen after the upgrade — a token or checkpoint taken before the
     * upgrade stays below everything written after it.
     */
    @Test
    void aStoreFromBeforePerCollectionHeadsGoesOnAboveItsOldPositions() throws Exception {
        try (dev.tributary.connector.testkit.ExternalDatabases.Scratch schema =
                dev.tributary.connector.testkit.ExternalDatabases.postgresSchema()) {
            org.flywaydb.core.Flyway old = org.flywaydb.core.Flyway.configure()
                    .dataSource(schema.jdbcUrl(), null, null)
                    .locations("classpath:db/migration/postgresql")
                    .table("tributary_schema_history").target("18").load();
            old.migrate();
            try (java.sql.Connection connection = java.sql.DriverManager.getConnection(schema.jdbcUrl());
                    java.sql.Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO collections (name, retention_ms, horizon, created_at)"
                        + " VALUES ('tasks', 86400000, 0, 0)");
                statement.executeUpdate("INSERT INTO records (collection_id, id, version, seq, deleted, updated_at, origin, data)"
                        + " SELECT id, 'old', 1, 41, false, 0, NULL, '{}' FROM collections WHERE name = 'tasks'");
                statement.executeUpdate("UPDATE log_head SET seq = 41");
            }
            try (Store upgraded = Store.open(new StoreConfig(schema.jdbcUrl(), 4), clock)) {
                assertThat(upgraded.changeLog().head("tasks")).isEqualTo(41);
                assertThat(upgraded.changeLog().apply("tasks", List.of(RecordWrite.put("new", "{}")), null)
                        .get(0).record().seq()).isEqualTo(42);
                upgraded.collections().put("later", null);
                assertThat(upgraded.changeLog().apply("later", List.of(RecordWrite.put("x", "{}")), null)
                        .get(0).record().seq()).as("a new name starts above the old positions").isEqualTo(42);
                assertThat(upgraded.changeLog().read("tasks", 0, upgraded.changeLog().head("tasks"), 10, true).records())
                        .extracting(StoredRecord::id).containsExactly("old", "new");
                assertThat(upgraded.changeLog().heads()).containsEntry("tasks", 42L).containsEntry("later", 42L);
            }
        }
    }
}
