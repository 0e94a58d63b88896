package dev.tributary.esa;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An element of a protocol message: its name, attributes, text and child elements. Messages are
 * small trees; this is all the structure the protocol needs, and it is immutable once built.
 *
 * @param name the element's name
 * @param attributes its attributes, in document order
 * @param text its text content with surrounding white space removed (empty when it has children)
 * @param children its child elements, in document order
 */
public record XmlNode(String name, Map<String, String> attributes, String text, List<XmlNode> children) {

    public XmlNode {
        // One attribute or none: an unmodifiable map (kept as it is when it already is one).
        attributes = attributes.size() <= 1 ? Map.copyOf(attributes)
                : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        text = text == null ? "" : text;
        children = List.copyOf(children);
    }

    /** An element with text only. */
    public static XmlNode text(String name, String text) {
        return new XmlNode(name, Map.of(), text, List.of());
    }

    /** An element with one attribute and text. */
    public static XmlNode text(String name, String attribute, String value, String text) {
        return new XmlNode(name, Map.of(attribute, value), text, List.of());
    }

    /** An element with children only. */
    public static XmlNode of(String name, XmlNode... children) {
        return new XmlNode(name, Map.of(), "", List.of(children));
    }

    /** An element with children only. */
    public static XmlNode of(String name, List<XmlNode> children) {
        return new XmlNode(name, Map.of(), "", children);
    }

    /** A copy with one more attribute. */
    public XmlNode with(String attribute, String value) {
        Map<String, String> copy = new LinkedHashMap<>(attributes);
        copy.put(attribute, value);
        return new XmlNode(name, copy, text, children);
    }

    /** The first child of that name. */
    public Optional<XmlNode> child(String childName) {
        for (XmlNode child : children) {
            if (child.name.equals(childName)) {
                return Optional.of(child);
            }
        }
        return Optional.empty();
    }

    /** Every child of that name. */
    public List<XmlNode> all(String childName) {
        List<XmlNode> found = new ArrayList<>();
        for (XmlNode child : children) {
            if (child.name.equals(childName)) {
                found.add(child);
            }
        }
        return found;
    }

    /** The text of the first child of that name, if there is one. */
    public Optional<String> textOf(String childName) {
        return child(childName).map(XmlNode::text);
    }

    /** The text of the first child of that name. */
    public String required(String childName) {
        return textOf(childName).orElseThrow(() -> new EsaProtocolException("<" + name + "> has no <" + childName + ">"));
    }

    /** An attribute, if present. */
    public Optional<String> attribute(String attributeName) {
        return Optional.ofNullable(attributes.get(attributeName));
    }
}
