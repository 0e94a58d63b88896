package dev.tributary.sdata;

import java.util.ArrayList;
import java.util.List;

/**
 * An element of a read SData document: its namespace and local name, the attributes it has, and
 * its content — text and child elements in document order. {@link SDataXml#parse} builds these
 * straight from the parser's events; they carry what the protocol's readers need and nothing of a
 * DOM's weight (a page of 1,000 entries is read three times in a catch-up).
 */
public final class XmlElement {

    private final String namespace;
    private final String name;
    /** Namespace, local name and value of each attribute, one after the other; "" for no namespace. */
    private final String[] attributes;
    /** Text pieces and child elements in document order; null while the element is empty. */
    private List<Object> content;

    XmlElement(String namespace, String name, String[] attributes) {
        this.namespace = namespace;
        this.name = name;
        this.attributes = attributes;
    }

    void add(Object piece) {
        if (content == null) {
            content = new ArrayList<>(4);
        }
        content.add(piece);
    }

    /** The namespace, or null for none. */
    public String namespace() {
        return namespace;
    }

    /** The local name. */
    public String name() {
        return name;
    }

    /** Whether this element is {@code name} in {@code namespace}. */
    public boolean is(String namespace, String name) {
        return this.name.equals(name) && namespace.equals(this.namespace);
    }

    /** The child elements of that name, in any namespace when {@code namespace} is null. */
    public List<XmlElement> children(String namespace, String name) {
        List<XmlElement> found = new ArrayList<>();
        if (content != null) {
            for (Object piece : content) {
                if (piece instanceof XmlElement e && e.named(namespace, name)) {
                    found.add(e);
                }
            }
        }
        return found;
    }

    /** The first child element of that name, or null. */
    public XmlElement child(String namespace, String name) {
        if (content != null) {
            for (Object piece : content) {
                if (piece instanceof XmlElement e && e.named(namespace, name)) {
                    return e;
                }
            }
        }
        return null;
    }

    private boolean named(String namespace, String name) {
        return this.name.equals(name) && (namespace == null || namespace.equals(this.namespace));
    }

    /** The child elements, in document order. */
    public List<XmlElement> elements() {
        List<XmlElement> found = new ArrayList<>();
        if (content != null) {
            for (Object piece : content) {
                if (piece instanceof XmlElement e) {
                    found.add(e);
                }
            }
        }
        return found;
    }

    /** The first child element, or null. */
    public XmlElement firstElement() {
        if (content != null) {
            for (Object piece : content) {
                if (piece instanceof XmlElement e) {
                    return e;
                }
            }
        }
        return null;
    }

    /** All text inside the element, its descendants' included, in document order (unstripped). */
    public String text() {
        if (content == null) {
            return "";
        }
        if (content.size() == 1 && content.get(0) instanceof String only) {
            return only;
        }
        StringBuilder text = new StringBuilder();
        appendText(text);
        return text.toString();
    }

    private void appendText(StringBuilder text) {
        if (content != null) {
            for (Object piece : content) {
                if (piece instanceof String s) {
                    text.append(s);
                } else {
                    ((XmlElement) piece).appendText(text);
                }
            }
        }
    }

    /** The value of the attribute of that name in no namespace, or null when the element has none. */
    public String attribute(String name) {
        return attribute("", name);
    }

    /** The value of the attribute of that name in that namespace ("" for none), or null. */
    public String attribute(String namespace, String name) {
        for (int i = 0; i < attributes.length; i += 3) {
            if (attributes[i + 1].equals(name) && attributes[i].equals(namespace)) {
                return attributes[i + 2];
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "<" + name + (namespace == null ? "" : " xmlns='" + namespace + "'") + ">";
    }
}
