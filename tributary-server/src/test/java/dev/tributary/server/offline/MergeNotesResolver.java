package dev.tributary.server.offline;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A test resolver: keeps the server's fields and appends the client's {@code notes} to the
 * server's; a client delete loses to a live server record; "explode" in the client's notes throws.
 */
public final class MergeNotesResolver implements ConflictResolver {

    @Override
    public String name() {
        return "mergeNotes";
    }

    @Override
    public Resolution resolve(Conflict conflict) {
        if (conflict.client() == null) {
            return Resolution.server();
        }
        if (conflict.server() == null) {
            return Resolution.client();
        }
        String clientNotes = conflict.client().path("notes").asText("");
        if (clientNotes.equals("explode")) {
            throw new IllegalStateException("cannot merge explosive notes");
        }
        ObjectNode merged = conflict.server().deepCopy();
        merged.put("notes", conflict.server().path("notes").asText("") + " | " + clientNotes);
        return Resolution.merged(merged);
    }
}
