package dev.tributary.store;

import java.util.List;

/**
 * What one committed transaction did to one collection: the writes it applied, at change-log
 * positions up to {@code head}. Announced to {@link Store#addCommitListener commit listeners}
 * after the transaction committed, never for one that rolled back.
 *
 * @param collection the collection written
 * @param incarnation the collection's incarnation (see {@link CollectionInfo#incarnation()})
 * @param head the highest change-log position the transaction took in it
 * @param writes the applied writes, in position order
 */
public record Commit(String collection, long incarnation, long head, List<AppliedWrite> writes) {

    public Commit {
        writes = List.copyOf(writes);
    }
}
