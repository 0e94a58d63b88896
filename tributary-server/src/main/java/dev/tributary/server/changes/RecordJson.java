package dev.tributary.server.changes;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.server.ApiException;
import dev.tributary.server.Json;
import dev.tributary.store.StoredRecord;
import java.io.IOException;
import java.util.Set;

/** Records on the wire, both ways. */
final class RecordJson {

    /** Fields a client may send back unchanged from a record it read; they are ignored. */
    private static final Set<String> READ_ONLY = Set.of("kind", "etag", "updated");

    private RecordJson() {
    }

    /** Writes a record; a tombstone as a deleted entry. {@code removedByFilter} marks a filter removal. */
    static void write(JsonGenerator json, StoredRecord record, boolean removedByFilter, String kind)
            throws IOException {
        json.writeStartObject();
        if (kind != null) {
            json.writeStringField("kind", kind);
        }
        json.writeStringField("id", record.id());
        json.writeStringField("etag", record.etag());
        json.writeStringField("updated", Timestamps.format(record.updated()));
        boolean deleted = record.deleted() || removedByFilter;
        json.writeBooleanField("deleted", deleted);
        if (removedByFilter) {
            json.writeStringField("removed", "filter");
        } else if (!deleted) {
            json.writeFieldName("data");
            json.writeRawValue(new RawJson(record.data()));
        }
        json.writeEndObject();
    }

    /**
     * The data of a record body {@code {"data": {…}}} as compact JSON text. {@code id}, if sent,
     * must be {@code expectedId}; read-only fields of a record read earlier are ignored.
     *
     * @param where how to name the body in messages, e.g. "the body" or "write 3"
     */
    static String dataOf(ObjectNode body, String expectedId, String where) {
        for (var names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("data") && !name.equals("id") && !name.equals("deleted")
                    && !READ_ONLY.contains(name)) {
                throw ApiException.badRequest(where + " has an unknown field '" + name
                        + "'; a record body is {\"data\": {…}}");
            }
        }
        JsonNode id = body.get("id");
        if (id != null && expectedId != null && !(id.isTextual() && id.textValue().equals(expectedId))) {
            throw ApiException.badRequest(where + " names id " + id + " but the request is for '"
                    + expectedId + "'");
        }
        JsonNode deleted = body.get("deleted");
        if (deleted != null && !(deleted.isBoolean() && !deleted.booleanValue())) {
            throw ApiException.badRequest(where + ": to delete a record use DELETE, not \"deleted\": " + deleted);
        }
        JsonNode data = body.get("data");
        if (data == null) {
            throw ApiException.badRequest(where + " needs a \"data\" object");
        }
        if (!data.isObject()) {
            throw ApiException.badRequest(where + ": \"data\" must be a JSON object, not "
                    + Json.describe(data));
        }
        return Json.compact(data);
    }
}
