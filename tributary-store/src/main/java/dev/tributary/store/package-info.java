/**
 * The canonical store of the hub: collections, versioned records, the change log, and the hub's
 * own state (access tokens, and in later versions links, runs and conflicts).
 *
 * <p>Open a {@link dev.tributary.store.Store} with a {@link dev.tributary.store.StoreConfig}:
 * {@code StoreConfig.sqlite(dataDir)} for the embedded default (one file, WAL, {@code
 * synchronous=FULL}) or {@code StoreConfig.of("jdbc:postgresql://…")}. Writes go through {@link
 * dev.tributary.store.ChangeLog#apply}, which is atomic per call and assigns change-log positions
 * in commit order within each collection; reads of the log go through {@link dev.tributary.store.ChangeLog#read} with an
 * upper bound taken from {@link dev.tributary.store.ChangeLog#head(String)}. Every failure is a {@link
 * dev.tributary.store.StoreException}.
 *
 * <p>The schema is versioned: migrations live in {@code db/migration/<dialect>} and run when a
 * store is opened.
 */
package dev.tributary.store;
