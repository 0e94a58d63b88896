package dev.tributary.sdata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A resource's data in a feed: a JSON object, held as its compact text — what the hub stores and
 * what a page is written from and read into ({@link Payloads}) — and made a tree only when asked
 * for one.
 */
public final class Payload {

    /** Decimals read exactly, as {@link Payloads} writes and reads them. */
    private static final ObjectMapper TREES = new ObjectMapper()
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final String text;
    private volatile ObjectNode tree;

    private Payload(String text, ObjectNode tree) {
        this.text = text;
        this.tree = tree;
    }

    /**
     * The payload of a JSON object's text. The caller vouches that it is one (a stored record's
     * data, or text {@link Payloads#read} made); writing a page refuses anything else.
     */
    public static Payload ofJson(String text) {
        return new Payload(java.util.Objects.requireNonNull(text, "text"), null);
    }

    /** The payload of an object (its text is made now; the object is not copied, so do not change it). */
    public static Payload of(ObjectNode tree) {
        return new Payload(tree.toString(), tree);
    }

    /** The object as compact JSON text. */
    public String text() {
        return text;
    }

    /** The object as a tree (read from the text the first time). */
    public ObjectNode tree() {
        ObjectNode read = tree;
        if (read == null) {
            try {
                JsonNode node = TREES.readTree(text);
                if (!(node instanceof ObjectNode object)) {
                    throw new IllegalStateException("a payload is a JSON object, not " + node.getNodeType());
                }
                read = object;
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a payload is a JSON object: " + e.getOriginalMessage(), e);
            }
            tree = read;
        }
        return read;
    }

    /** Payloads are equal when their objects are (field order aside, as JSON objects compare). */
    @Override
    public boolean equals(Object other) {
        return other instanceof Payload that && (text.equals(that.text) || tree().equals(that.tree()));
    }

    @Override
    public int hashCode() {
        return tree().hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
