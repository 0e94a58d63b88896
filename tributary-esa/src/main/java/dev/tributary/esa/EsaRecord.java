package dev.tributary.esa;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ExternalRecord: its id, when it last changed (on the ESA's clock) and its field values as
 * text. A field maps to its values (several for a multi-valued field) or to null for an explicit
 * null; a field not in the map is not being read or written.
 *
 * @param id the record's id, or null for a new record in {@code update}
 * @param modifiedAt when it last changed, or null
 * @param values field values as they travel (typed by the structure's field list)
 */
public record EsaRecord(String id, Instant modifiedAt, Map<String, List<String>> values) {

    public EsaRecord {
        if (values instanceof Read read) {
            values = Collections.unmodifiableMap(read); // made by of(), its lists unmodifiable: no second copy
        } else {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            values.forEach((name, list) -> copy.put(name, list == null ? null : List.copyOf(list)));
            values = Collections.unmodifiableMap(copy);
        }
    }

    /** The values {@link #of} reads, held by no one else once the record has them. */
    private static final class Read extends LinkedHashMap<String, List<String>> {
    }

    /** The record as its {@code <record>} element. */
    public XmlNode toNode() {
        List<XmlNode> children = new ArrayList<>();
        if (id != null) {
            children.add(XmlNode.text("id", id));
        }
        if (modifiedAt != null) {
            children.add(XmlNode.text("modified-at", EsaTime.format(modifiedAt)));
        }
        values.forEach((name, list) -> {
            if (list == null) {
                children.add(XmlNode.text("value", "").with("name", name).with("null", "true"));
            } else {
                list.forEach(v -> children.add(XmlNode.text("value", "name", name, v)));
            }
        });
        return XmlNode.of("record", children);
    }

    /** Reads a {@code <record>} element. */
    public static EsaRecord of(XmlNode node) {
        Read values = new Read();
        String id = null;
        String modifiedAt = null;
        boolean repeated = false;
        // One pass over the children: a page holds thousands of records.
        for (XmlNode child : node.children()) {
            switch (child.name()) {
                case "id" -> id = id == null ? child.text() : id;
                case "modified-at" -> modifiedAt = modifiedAt == null ? child.text() : modifiedAt;
                case "value" -> {
                    String name = child.attributes().get("name");
                    if (name == null) {
                        throw new EsaProtocolException("a record's <value> has no name");
                    }
                    name = name.strip();
                    String isNull = child.attributes().get("null");
                    if (isNull != null && "true".equals(isNull.strip())) {
                        values.put(name, null);
                        continue;
                    }
                    List<String> list = values.get(name);
                    if (list == null) {
                        values.put(name, List.of(child.text()));
                    } else {
                        repeated = true;
                        if (!(list instanceof ArrayList)) {
                            list = new ArrayList<>(list);
                            values.put(name, list);
                        }
                        list.add(child.text());
                    }
                }
                default -> {
                }
            }
        }
        if (repeated) {
            values.replaceAll((name, list) -> list == null ? null : List.copyOf(list));
        }
        return new EsaRecord(id == null ? null : id.strip(), modifiedAt == null ? null : EsaTime.parse(modifiedAt), values);
    }

    /** The single value of a field, or null. */
    public String value(String field) {
        List<String> list = values.get(field);
        return list == null || list.isEmpty() ? null : list.get(0);
    }
}
