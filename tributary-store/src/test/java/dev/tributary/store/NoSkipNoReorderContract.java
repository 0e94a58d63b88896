package dev.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Invariant 1 — no skip, no reorder — under concurrent writers. Eight writer threads create,
 * update and delete records (some in multi-record batches) in two collections, which take their
 * positions independently, while several readers sync both collections incrementally in a loop, the
 * way the change feed does: take the collection's head as the upper bound, page through
 * {@code (position, head]}, continue from the head. Where the store can be shared, the writers and
 * readers use {@link #nodes()} separate {@link Store} objects on it, as the hub nodes of one store
 * do. Afterwards every reader must have seen each collection's positions in strictly increasing
 * order, only committed changes, every record's final change exactly once, and must hold exactly
 * the store's final state.
 */
abstract class NoSkipNoReorderContract {

    private static final int WRITERS = 8;
    private static final int READERS = 3;
    private static final int WRITES_PER_WRITER = 250;
    private static final int PAGE = 37;
    private static final List<String> COLLECTIONS = List.of("feed", "side");

    protected abstract StoreBackend backend();

    /** How many {@link Store} objects (hub nodes) write and read the one store. */
    protected int nodes() {
        return 1;
    }

    private record Seen(String id, long version, long seq, boolean deleted) {
        static Seen of(StoredRecord record) {
            return new Seen(record.id(), record.version(), record.seq(), record.deleted());
        }
    }

    @Test
    void concurrentWritersNeverMakeAReaderSkipRepeatOrReorder() throws Exception {
        long seed = Long.getLong("tributary.seed", System.nanoTime());
        List<Store> stores = new ArrayList<>();
        try (StoreBackend backend = backend()) {
            for (int n = 0; n < nodes(); n++) {
                stores.add(backend.open(java.time.Clock.systemUTC()));
            }
            COLLECTIONS.forEach(name -> stores.get(0).collections().put(name, null));
            Map<String, ConcurrentLinkedQueue<AppliedWrite>> committed = new HashMap<>();
            COLLECTIONS.forEach(name -> committed.put(name, new ConcurrentLinkedQueue<>()));
            AtomicBoolean writing = new AtomicBoolean(true);
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    Store store = stores.get(writer % stores.size());
                    String collection = COLLECTIONS.get(writer % COLLECTIONS.size());
                    writers.add(pool.submit(() -> {
                        start.await();
                        write(store, collection, new Random(seed + writer), "w" + writer, committed.get(collection));
                        return null;
                    }));
                }
                List<Future<Map<String, List<Seen>>>> readers = new ArrayList<>();
                List<int[]> syncCounts = new ArrayList<>();
                for (int r = 0; r < READERS; r++) {
                    int[] syncs = new int[1];
                    syncCounts.add(syncs);
                    Store store = stores.get((r + 1) % stores.size());
                    readers.add(pool.submit(() -> {
                        start.await();
                        return read(store, writing, syncs);
                    }));
                }
                start.countDown();
                for (Future<?> writer : writers) {
                    writer.get(5, TimeUnit.MINUTES);
                }
                writing.set(false);

                for (int r = 0; r < READERS; r++) {
                    Map<String, List<Seen>> seenByCollection = readers.get(r).get(5, TimeUnit.MINUTES);
                    assertThat(syncCounts.get(r)[0]).as("reader %d synced while writers ran", r).isGreaterThan(1);
                    for (String collection : COLLECTIONS) {
                        check(committed.get(collection), seenByCollection.get(collection),
                                "seed " + seed + ", reader " + r + ", collection " + collection);
                    }
                }
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(1, TimeUnit.MINUTES);
                stores.forEach(Store::close);
            }
        } catch (AssertionError e) {
            throw new AssertionError("replay with -Dtributary.seed=" + seed + ": " + e.getMessage(), e);
        }
    }

    private static void check(java.util.Collection<AppliedWrite> committed, List<Seen> seen, String reader) {
        Map<String, AppliedWrite> finalWrites = new HashMap<>();
        Map<Long, AppliedWrite> bySeq = new HashMap<>();
        for (AppliedWrite write : committed) {
            bySeq.put(write.record().seq(), write);
            finalWrites.merge(write.record().id(), write, (a, b) -> a.record().seq() > b.record().seq() ? a : b);
        }
        assertThat(bySeq).as("%s: every committed change has its own position", reader).hasSize(committed.size());
        assertThat(seen.stream().map(Seen::seq).toList()).as("%s: no repeat, no reorder", reader)
                .isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
        Map<String, Seen> replayed = new HashMap<>();
        Map<String, Integer> timesSeen = new HashMap<>();
        for (Seen item : seen) {
            AppliedWrite source = bySeq.get(item.seq());
            assertThat(source).as("%s: %s was committed", reader, item).isNotNull();
            assertThat(Seen.of(source.record())).as(reader).isEqualTo(item);
            replayed.put(item.id(), item);
            if (finalWrites.get(item.id()).record().seq() == item.seq()) {
                timesSeen.merge(item.id(), 1, Integer::sum);
            }
        }
        for (AppliedWrite last : finalWrites.values()) {
            assertThat(timesSeen.get(last.record().id()))
                    .as("%s: the final change of %s (seq %d) seen exactly once", reader,
                            last.record().id(), last.record().seq())
                    .isEqualTo(1);
            assertThat(replayed.get(last.record().id())).as(reader).isEqualTo(Seen.of(last.record()));
        }
    }

    private static void write(Store store, String collection, Random random, String prefix,
            ConcurrentLinkedQueue<AppliedWrite> committed) {
        List<String> live = new ArrayList<>();
        int created = 0;
        int done = 0;
        while (done < WRITES_PER_WRITER) {
            int roll = random.nextInt(100);
            List<RecordWrite> batch = new ArrayList<>();
            if (roll < 10) {
                for (int i = 0; i < 5; i++) {
                    String id = prefix + "-" + created++;
                    batch.add(RecordWrite.put(id, "{\"v\":" + done + "}"));
                }
            } else if (roll < 55 || live.isEmpty()) {
                batch.add(RecordWrite.put(prefix + "-" + created++, "{\"v\":" + done + "}"));
            } else if (roll < 85) {
                batch.add(RecordWrite.put(live.get(random.nextInt(live.size())), "{\"v\":" + done + "}"));
            } else {
                batch.add(RecordWrite.delete(live.remove(random.nextInt(live.size()))));
            }
            for (AppliedWrite applied : store.changeLog().apply(collection, batch, prefix)) {
                committed.add(applied);
                if (applied.outcome() == AppliedWrite.Outcome.CREATED) {
                    live.add(applied.record().id());
                }
            }
            done += batch.size();
        }
    }

    private static Map<String, List<Seen>> read(Store store, AtomicBoolean writing, int[] syncs) {
        Map<String, List<Seen>> seen = new HashMap<>();
        Map<String, Long> positions = new HashMap<>();
        COLLECTIONS.forEach(name -> {
            seen.put(name, new ArrayList<>());
            positions.put(name, 0L);
        });
        boolean last = false;
        while (!last) {
            last = !writing.get(); // one more complete sync after the writers are done
            for (String collection : COLLECTIONS) {
                long bound = store.changeLog().head(collection);
                long after = positions.get(collection);
                ChangePage page;
                do {
                    page = store.changeLog().read(collection, after, bound, PAGE, true);
                    for (StoredRecord record : page.records()) {
                        seen.get(collection).add(Seen.of(record));
                        after = record.seq();
                    }
                } while (page.hasMore());
                positions.put(collection, bound);
            }
            syncs[0]++;
        }
        return seen;
    }
}
