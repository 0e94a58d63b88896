package dev.tributary.engine.offline;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How the offline apply asks a custom conflict resolver (an object's {@code custom:<name>}
 * policy) for a decision. Resolvers are written against the server's SPI,
 * {@code dev.tributary.server.offline.ConflictResolver}; the server adapts them to this.
 */
public interface OfflineConflictResolver {

    /** The name object definitions use. */
    String name();

    /**
     * Resolves one conflict.
     *
     * @param server the hub's current record data, or null if the hub deleted it
     * @param client the client's record data, or null if the client deletes it
     * @return what to keep
     */
    Resolution resolve(Conflict conflict);

    /**
     * One conflict.
     *
     * @param service the object service
     * @param object the object (as the service names it)
     * @param id the record id
     * @param server the hub's current data, or null when deleted
     * @param client the client's data, or null for a delete
     */
    record Conflict(String service, String object, String id, ObjectNode server, ObjectNode client) {
    }

    /**
     * A decision: keep the server's record (the client is told of the conflict and takes it), apply
     * the client's change, or store merged data.
     *
     * @param take which side
     * @param merged the data to store when {@code take} is MERGED
     */
    record Resolution(Take take, ObjectNode merged) {

        public static Resolution server() {
            return new Resolution(Take.SERVER, null);
        }

        public static Resolution client() {
            return new Resolution(Take.CLIENT, null);
        }

        public static Resolution merged(ObjectNode data) {
            return new Resolution(Take.MERGED, data);
        }
    }

    /** Which side a resolution keeps. */
    enum Take { SERVER, CLIENT, MERGED }
}
