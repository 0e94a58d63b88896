package dev.tributary.esa;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a result may hold, per call: the schema allows any result to hold any kind of entry, so
 * each side also checks that an answer has the shape its call calls for — a {@code read}
 * answered with a cursor is a protocol error, not "no record".
 */
public final class EsaAnswers {

    private EsaAnswers() {
    }

    /** Allowed entry names, and whether at least one entry is required. */
    private record Shape(Set<String> allowed, boolean required) {
    }

    private static Shape shape(boolean required, String... allowed) {
        return new Shape(Set.of(allowed), required);
    }

    private static final Map<String, Shape> ESA = Map.ofEntries(
            Map.entry("startSync", shape(true, "value")),
            Map.entry("endSync", shape(false)),
            Map.entry("configure", shape(true, "value")),
            Map.entry("getAllowedRunModes", shape(true, "value")),
            Map.entry("getCurrentTime", shape(true, "value")),
            Map.entry("needSyncAgain", shape(true, "value")),
            Map.entry("leaseSession", shape(false)),
            Map.entry("getParametersMeta", shape(false, "esa-parameter")),
            Map.entry("getStructureList", shape(false, "structure")),
            Map.entry("getFieldList", shape(false, "field")),
            Map.entry("getRelations", shape(false, "relation")),
            Map.entry("getModified", shape(false, "record", "nullValue")),
            Map.entry("getModifiedPaged", shape(true, "cursor")),
            Map.entry("getDeleted", shape(false, "id", "nullValue")),
            Map.entry("getDeletedPaged", shape(true, "cursor")),
            Map.entry("readDataPage", shape(false, "record", "id")),
            Map.entry("closeCursor", shape(false)),
            Map.entry("read", shape(true, "record", "nullValue")),
            Map.entry("create", shape(true, "record")),
            Map.entry("update", shape(true, "value")),
            Map.entry("delete", shape(false, "value")),
            Map.entry("countRange", shape(true, "value")),
            Map.entry("checkDelayedCreate", shape(true, "record")),
            Map.entry("checkDelayedUpdate", shape(true, "value")),
            Map.entry("checkDelayedDelete", shape(false, "value")));

    private static final Map<String, Shape> HELPER = Map.of(
            "isKnownID", shape(true, "value"),
            "getParameter", shape(false, "value"),
            "enumerateKnownIDs", shape(false, "id"),
            "trackRecordDeletion", shape(false),
            "detectDeleted", shape(false, "id"),
            "startSync", shape(true, "value", "run"));

    /** Checks a result against its call; a wrong shape is an {@link EsaProtocolException}. */
    public static void check(EsaMessage.Kind kind, String call, XmlNode result) {
        Shape shape = (kind == EsaMessage.Kind.API_CALL ? HELPER : ESA).get(call);
        if (shape == null) {
            throw new EsaProtocolException("no answer is defined for <" + call + ">");
        }
        List<XmlNode> entries = result.children();
        for (XmlNode entry : entries) {
            if (!shape.allowed().contains(entry.name())) {
                throw new EsaProtocolException("<" + call + "> cannot be answered with <" + entry.name() + ">"
                        + (shape.allowed().isEmpty() ? "; it answers nothing" : "; it answers " + shape.allowed()));
            }
        }
        if (shape.required() && entries.isEmpty()) {
            throw new EsaProtocolException("the answer to <" + call + "> is empty; it must hold " + shape.allowed());
        }
        if (entries.stream().anyMatch(e -> e.name().equals("nullValue")) && entries.size() > 1) {
            throw new EsaProtocolException("the answer to <" + call + "> holds nullValue and entries at once");
        }
    }
}
