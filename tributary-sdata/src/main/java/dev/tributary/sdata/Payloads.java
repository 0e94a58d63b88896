package dev.tributary.sdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A record's JSON data as the resource element of an SData payload, and back, without loss.
 *
 * <p>Implementation notes (SData leaves the mapping to each contract; this is Tributary's). Each
 * property is a child element of that name — or {@code <field key="…">} when the name is not an
 * XML name. Strings are text; other values say what they are in a {@code t} attribute:
 * {@code number} (the JSON number's own text, so no precision is lost), {@code boolean},
 * {@code null}, {@code object} (child elements are its properties) and {@code list} (each
 * {@code <item>} child is one element, with its own {@code t}). {@code xsi:nil="true"} is read as
 * null too. An empty object and an empty list are kept apart by their {@code t}.
 */
public final class Payloads {

    private static final JsonNodeFactory JSON = JsonNodeFactory.withExactBigDecimals(true);

    /**
     * The longest number accepted, in characters (sign, digits, point and exponent) — the same
     * limit as every other way into the hub (JSON bodies), checked before the text is parsed.
     */
    public static final int MAX_NUMBER_LENGTH = 100;

    private Payloads() {
    }

    /**
     * Writes the object's properties as children of the current element.
     *
     * @throws SDataException (500) when a name or a text holds a character XML 1.0 cannot carry
     *     (U+0000, most controls below U+0020, U+FFFE, U+FFFF, a lone surrogate), naming the field
     *     and the character: no document can hold it, so none is written
     */
    public static void write(XMLStreamWriter xml, String namespace, ObjectNode data) throws XMLStreamException {
        write(xml, namespace, data, "");
    }

    private static void write(XMLStreamWriter xml, String namespace, ObjectNode data, String path) throws XMLStreamException {
        for (Iterator<Map.Entry<String, JsonNode>> fields = data.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            String at = path.isEmpty() ? name : path + "." + name;
            if (elementName(name)) {
                xml.writeStartElement(namespace, name);
            } else {
                int bad = unwritable(name);
                if (bad >= 0) {
                    throw unwritable("the name of field '" + at + "'", name, bad);
                }
                xml.writeStartElement(namespace, "field");
                xml.writeAttribute("key", name);
            }
            value(xml, namespace, field.getValue(), at);
            xml.writeEndElement();
        }
    }

    /**
     * Whether a field's name can be its element's name: 1 to 128 characters, a letter or {@code _}
     * first, then letters, digits, {@code _ . -} (ASCII), and not starting with "xml" in any case —
     * checked per character, as it is for every field of every record written.
     */
    static boolean elementName(String name) {
        int length = name.length();
        if (length == 0 || length > 128) {
            return false;
        }
        char first = name.charAt(0);
        if (!(first >= 'A' && first <= 'Z' || first >= 'a' && first <= 'z' || first == '_')) {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = name.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-')) {
                return false;
            }
        }
        return !name.regionMatches(true, 0, "xml", 0, 3);
    }

    /** The index of the first character of the text no XML 1.0 document can carry (not even as a reference), or -1. */
    private static int unwritable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isXmlChar(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            return i;
        }
        return -1;
    }

    /** Whether XML 1.0 allows the character on its own (surrogates only come in pairs). */
    private static boolean isXmlChar(char c) {
        return c >= 0x20 && c < 0xD800 || c == '\t' || c == '\n' || c == '\r' || c >= 0xE000 && c < 0xFFFE;
    }

    private static SDataException unwritable(String what, String text, int at) {
        return new SDataException(500, printable(what) + " holds " + String.format("U+%04X", (int) text.charAt(at))
                + " at character " + (at + 1) + ", which an XML 1.0 document cannot carry");
    }

    /** The text with each character XML cannot carry as {@code \\uXXXX}, so that a message naming it can be sent. */
    private static String printable(String text) {
        StringBuilder printable = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                printable.append(c).append(text.charAt(++i));
            } else if (isXmlChar(c)) {
                printable.append(c);
            } else {
                printable.append(String.format("\\u%04X", (int) c));
            }
        }
        return printable.toString();
    }

    private static void value(XMLStreamWriter xml, String namespace, JsonNode value, String at)
            throws XMLStreamException {
        if (value == null || value.isNull()) {
            xml.writeAttribute("t", "null");
        } else if (value.isTextual()) {
            int bad = unwritable(value.textValue());
            if (bad >= 0) {
                throw unwritable("the value of field '" + at + "'", value.textValue(), bad);
            }
            xml.writeCharacters(value.textValue());
        } else if (value.isNumber()) {
            xml.writeAttribute("t", "number");
            xml.writeCharacters(value.isBigDecimal() ? value.decimalValue().toString() : value.asText());
        } else if (value.isBoolean()) {
            xml.writeAttribute("t", "boolean");
            xml.writeCharacters(Boolean.toString(value.booleanValue()));
        } else if (value.isObject()) {
            xml.writeAttribute("t", "object");
            write(xml, namespace, (ObjectNode) value, at);
        } else if (value.isArray()) {
            xml.writeAttribute("t", "list");
            int index = 0;
            for (JsonNode item : value) {
                xml.writeStartElement(namespace, "item");
                value(xml, namespace, item, at + "[" + index++ + "]");
                xml.writeEndElement();
            }
        } else {
            xml.writeCharacters(value.asText());
        }
    }

    /** Reads the children of a resource element as a JSON object. */
    public static ObjectNode read(XmlElement resource) {
        ObjectNode data = JSON.objectNode();
        for (XmlElement property : resource.elements()) {
            String key = "field".equals(property.name()) ? property.attribute("key") : null;
            String name = key != null ? key : property.name();
            if (data.has(name)) {
                throw SDataException.badRequest("the payload has property '" + name + "' twice");
            }
            data.set(name, value(property));
        }
        return data;
    }

    private static JsonNode value(XmlElement element) {
        String type = element.attribute("t");
        if (type == null || type.isEmpty()) {
            type = "true".equals(element.attribute(SDataXml.XSI, "nil")) ? "null" : "";
        }
        String text = type.equals("object") || type.equals("list") ? null : element.text();
        switch (type) {
            case "":
            case "string":
                if (element.firstElement() != null) {
                    return read(element);
                }
                return JSON.textNode(text);
            case "null":
                return JSON.nullNode();
            case "number":
                if (text.strip().length() > MAX_NUMBER_LENGTH) {
                    throw SDataException.badRequest("the number in <" + element.name() + "> has "
                            + text.strip().length() + " characters; numbers have at most " + MAX_NUMBER_LENGTH);
                }
                try {
                    BigDecimal number = new BigDecimal(text.strip());
                    if (number.scale() <= 0 && text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
                        java.math.BigInteger whole = number.toBigIntegerExact();
                        if (whole.bitLength() < 32) {
                            return JSON.numberNode(whole.intValue());
                        }
                        if (whole.bitLength() < 64) {
                            return JSON.numberNode(whole.longValue());
                        }
                        return JSON.numberNode(whole);
                    }
                    return JSON.numberNode(number);
                } catch (NumberFormatException | ArithmeticException e) {
                    throw SDataException.badRequest("'" + text.strip() + "' in <" + element.name()
                            + "> is not a number");
                }
            case "boolean":
                String b = text.strip();
                if (!b.equals("true") && !b.equals("false")) {
                    throw SDataException.badRequest("'" + b + "' in <" + element.name() + "> is not true or false");
                }
                return JSON.booleanNode(b.equals("true"));
            case "object":
                return read(element);
            case "list":
                ArrayNode list = JSON.arrayNode();
                for (XmlElement item : element.elements()) {
                    list.add(value(item));
                }
                return list;
            default:
                throw SDataException.badRequest("unknown value type '" + type + "' in <" + element.name() + ">");
        }
    }
}
