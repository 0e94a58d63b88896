package dev.tributary.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.store.ConflictRecord;
import dev.tributary.store.ConflictState;
import dev.tributary.store.RecordWrite;
import dev.tributary.store.Store;
import dev.tributary.store.StoredRecord;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A person's decision on a parked conflict, or on a record the endpoint refused: what the hub
 * then holds, what the id map remembers, and what goes on the link's outbound queue — in one
 * store transaction, so the decision flows both ways on the link's next run.
 */
final class ConflictResolver {

    private final Store store;
    private final Function<String, Optional<Definitions.Link>> links;

    ConflictResolver(Store store, Function<String, Optional<Definitions.Link>> links) {
        this.store = store;
        this.links = links;
    }

    /**
     * Resolves a parked conflict: keep the hub's side ({@code hub}), take the endpoint's
     * ({@code endpoint}), or set {@code merged} data. The result is written to the hub (for the
     * other links) and queued for this link's endpoint, so it flows both ways on the next run.
     */
    ConflictRecord resolve(String conflictId, String take, ObjectNode mergedData) {
        ConflictRecord conflict = store.conflicts().get(conflictId)
                .orElseThrow(() -> new NotFoundException("no conflict '" + conflictId + "'"));
        Side side = Side.parse(take);
        if (conflict.state() == ConflictState.REJECTED) {
            return "skip".equals(take) ? skipRejected(conflict) : retryRejected(conflict, side);
        }
        if (conflict.state() != ConflictState.OPEN) {
            throw new EngineException("conflict " + conflictId + " was already resolved (" + conflict.decision() + ")");
        }
        Definitions.Link link = links.apply(conflict.link()).orElseThrow(() -> new NotFoundException("the conflict's link is gone"));
        if (side == null) {
            throw new InvalidDefinitionException("resolution", List.of("'take' must be hub, endpoint or merged"));
        }
        if (side == Side.MERGED && mergedData == null) {
            throw new InvalidDefinitionException("resolution", List.of("'data' (an object) is required with take merged"));
        }
        String origin = "resolution:" + conflictId;
        store.transact(link.collection(), tx -> {
            if (!tx.resolveConflict(conflictId, side.label())) {
                throw new EngineException("conflict " + conflictId + " was resolved meanwhile");
            }
            String recordId = conflict.recordId() != null ? conflict.recordId() : dev.tributary.store.RecordIds.newId();
            StoredRecord record = tx.records(link.collection(), List.of(recordId)).get(recordId);
            String data = switch (side) {
                case HUB -> conflict.hubData();
                case ENDPOINT -> conflict.endpointData();
                case MERGED -> mergedData.toString();
            };
            long hubVersion = record == null ? 0 : record.version();
            boolean hubHolds = data == null ? record == null || record.deleted()
                    : record != null && !record.deleted() && DataMapping.same(DataMapping.parse(record.data()),
                            DataMapping.parse(data.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            if (!hubHolds) {
                RecordWrite write = data == null ? RecordWrite.delete(recordId) : RecordWrite.put(recordId, data);
                hubVersion = tx.apply(link.collection(), List.of(write), origin).get(0).record().version();
            }
            // The endpoint's side is null when it had deleted the object.
            boolean endpointDeleted = conflict.endpointData() == null;
            if (conflict.uid() != null && data == null && side == Side.ENDPOINT) {
                tx.removeMapping(link.name(), conflict.uid());
            } else if (conflict.uid() != null && endpointDeleted && data != null) {
                // The object is gone from the endpoint: forget it, so the next run creates it anew
                // (an update of the deleted object would be refused and parked again).
                tx.removeMapping(link.name(), conflict.uid());
                tx.enqueueOutbound(link.name(), recordId);
            } else if (conflict.uid() != null) {
                boolean endpointHolds = side == Side.ENDPOINT || data != null && data.equals(conflict.endpointData());
                // The endpoint's version at the conflict is what the next write there must expect.
                // When both sides hold the decision now, it is what they were last in sync at.
                tx.putMapping(link.name(), conflict.uid(), recordId, endpointHolds ? hubVersion : -1,
                        conflict.endpointVersion(), endpointHolds && link.keepsSyncedCopies() ? data : null);
                if (!endpointHolds) {
                    tx.enqueueOutbound(link.name(), recordId);
                }
            } else if (data != null) {
                tx.enqueueOutbound(link.name(), recordId);
            }
            return null;
        });
        return store.conflicts().get(conflictId).orElseThrow();
    }

    /**
     * A record the endpoint refused is left as it is: settled without writing it again (it is
     * written when it next changes on the hub, as any record is).
     */
    private ConflictRecord skipRejected(ConflictRecord conflict) {
        Definitions.Link link = links.apply(conflict.link()).orElseThrow(() -> new NotFoundException("the conflict's link is gone"));
        store.transact(link.collection(), tx -> {
            if (!tx.skipRejected(conflict.id())) {
                throw new EngineException("conflict " + conflict.id() + " was settled meanwhile");
            }
            return null;
        });
        return store.conflicts().get(conflict.id()).orElseThrow();
    }

    /**
     * A record the endpoint refused is written again by the link's next run ({@code take: hub}; the
     * endpoint has no version of it to take — {@code skip} is the other choice).
     */
    private ConflictRecord retryRejected(ConflictRecord conflict, Side take) {
        if (take != Side.HUB) {
            throw new InvalidDefinitionException("resolution", List.of("the endpoint refused this record; 'take' must be"
                    + " hub, which writes the hub's record to it again in the link's next run, or skip, which leaves it"
                    + " unwritten until it changes on the hub"));
        }
        Definitions.Link link = links.apply(conflict.link()).orElseThrow(() -> new NotFoundException("the conflict's link is gone"));
        store.transact(link.collection(), tx -> {
            if (!tx.retryRejected(conflict.id())) {
                throw new EngineException("conflict " + conflict.id() + " was retried meanwhile");
            }
            tx.enqueueOutbound(link.name(), conflict.recordId());
            return null;
        });
        return store.conflicts().get(conflict.id()).orElseThrow();
    }
}
