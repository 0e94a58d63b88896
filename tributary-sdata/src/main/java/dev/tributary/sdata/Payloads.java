package dev.tributary.sdata;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Set;
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
 *
 * <p>Both ways stream: a record's stored JSON text is written as XML token by token, and a
 * payload element is read into JSON text, with no JSON tree in between (a page of 1,000 records
 * would otherwise build and drop a tree per record on each side).
 */
public final class Payloads {

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * The longest number accepted, in characters (sign, digits, point and exponent) — the same
     * limit as every other way into the hub (JSON bodies), checked before the text is parsed.
     */
    public static final int MAX_NUMBER_LENGTH = 100;

    private Payloads() {
    }

    /**
     * Writes the payload's properties as children of the current element.
     *
     * @throws SDataException (500) when a name or a text holds a character XML 1.0 cannot carry
     *     (U+0000, most controls below U+0020, U+FFFE, U+FFFF, a lone surrogate), naming the field
     *     and the character: no document can hold it, so none is written
     */
    public static void write(XMLStreamWriter xml, String namespace, Payload data) throws XMLStreamException {
        try (JsonParser json = JSON.createParser(data.text())) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a payload is a JSON object");
            }
            writeObject(xml, namespace, json, "");
        } catch (IOException e) {
            throw new IllegalArgumentException("a payload is a JSON object: " + e.getMessage(), e);
        }
    }

    /** Writes the object's fields, the parser on its START_OBJECT, up to its END_OBJECT. */
    private static void writeObject(XMLStreamWriter xml, String namespace, JsonParser json, String path)
            throws XMLStreamException, IOException {
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String name = json.currentName();
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
            json.nextToken();
            writeValue(xml, namespace, json, at);
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

    /** Writes the value the parser is on (for an object or a list, up to its end). */
    private static void writeValue(XMLStreamWriter xml, String namespace, JsonParser json, String at)
            throws XMLStreamException, IOException {
        switch (json.currentToken()) {
            case VALUE_NULL -> xml.writeAttribute("t", "null");
            case VALUE_STRING -> {
                String text = json.getText();
                int bad = unwritable(text);
                if (bad >= 0) {
                    throw unwritable("the value of field '" + at + "'", text, bad);
                }
                xml.writeCharacters(text);
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                xml.writeAttribute("t", "number");
                xml.writeCharacters(json.getText());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                xml.writeAttribute("t", "boolean");
                xml.writeCharacters(json.getText());
            }
            case START_OBJECT -> {
                xml.writeAttribute("t", "object");
                writeObject(xml, namespace, json, at);
            }
            case START_ARRAY -> {
                xml.writeAttribute("t", "list");
                int index = 0;
                while (json.nextToken() != JsonToken.END_ARRAY) {
                    xml.writeStartElement(namespace, "item");
                    writeValue(xml, namespace, json, at + "[" + index++ + "]");
                    xml.writeEndElement();
                }
            }
            default -> throw new IllegalArgumentException("unexpected " + json.currentToken() + " in a payload");
        }
    }

    /** Reads the children of a resource element as a JSON object. */
    public static Payload read(XmlElement resource) {
        java.io.StringWriter text = new java.io.StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            readObject(resource, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Payload.ofJson(text.toString());
    }

    private static void readObject(XmlElement resource, JsonGenerator json) throws IOException {
        json.writeStartObject();
        Set<String> names = new HashSet<>();
        for (XmlElement property : resource.elements()) {
            String key = "field".equals(property.name()) ? property.attribute("key") : null;
            String name = key != null ? key : property.name();
            if (!names.add(name)) {
                throw SDataException.badRequest("the payload has property '" + name + "' twice");
            }
            json.writeFieldName(name);
            readValue(property, json);
        }
        json.writeEndObject();
    }

    private static void readValue(XmlElement element, JsonGenerator json) throws IOException {
        String type = element.attribute("t");
        if (type == null || type.isEmpty()) {
            type = "true".equals(element.attribute(SDataXml.XSI, "nil")) ? "null" : "";
        }
        String text = type.equals("object") || type.equals("list") ? null : element.text();
        switch (type) {
            case "":
            case "string":
                if (element.firstElement() != null) {
                    readObject(element, json);
                } else {
                    json.writeString(text);
                }
                return;
            case "null":
                json.writeNull();
                return;
            case "number":
                number(element, text, json);
                return;
            case "boolean":
                String b = text.strip();
                if (!b.equals("true") && !b.equals("false")) {
                    throw SDataException.badRequest("'" + b + "' in <" + element.name() + "> is not true or false");
                }
                json.writeBoolean(b.equals("true"));
                return;
            case "object":
                readObject(element, json);
                return;
            case "list":
                json.writeStartArray();
                for (XmlElement item : element.elements()) {
                    readValue(item, json);
                }
                json.writeEndArray();
                return;
            default:
                throw SDataException.badRequest("unknown value type '" + type + "' in <" + element.name() + ">");
        }
    }

    /** A number's text as a JSON number: whole numbers as integers, the rest as exact decimals. */
    private static void number(XmlElement element, String text, JsonGenerator json) throws IOException {
        String digits = text.strip();
        if (digits.length() > MAX_NUMBER_LENGTH) {
            throw SDataException.badRequest("the number in <" + element.name() + "> has "
                    + digits.length() + " characters; numbers have at most " + MAX_NUMBER_LENGTH);
        }
        try {
            BigDecimal number = new BigDecimal(digits);
            if (number.scale() <= 0 && text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
                java.math.BigInteger whole = number.toBigIntegerExact();
                if (whole.bitLength() < 64) {
                    json.writeNumber(whole.longValue());
                } else {
                    json.writeNumber(whole);
                }
            } else {
                json.writeNumber(number);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw SDataException.badRequest("'" + digits + "' in <" + element.name() + "> is not a number");
        }
    }
}
