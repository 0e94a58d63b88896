package dev.tributary.sdata;

import com.fasterxml.aalto.stax.InputFactoryImpl;
import com.fasterxml.aalto.stax.OutputFactoryImpl;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Locale;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;

/**
 * Reading SData documents: hardened, bounded, and tolerant where real clients differ.
 *
 * <p>Implementation notes. A document larger than the limit is refused unread; any DOCTYPE is
 * refused (so no DTDs and no entities); external access is off; nesting deeper than
 * {@link #MAX_DEPTH} is refused while reading. Documents are read with Woodstox's StAX
 * reader into {@link XmlElement}s, not a DOM. Tolerances: the tracking element in the SData or the sync
 * namespace; {@code syncMode} in any case; {@code isDeleted} under the SData or the sync
 * namespace; timestamps with or without fractional seconds and with any offset.
 */
public final class SDataXml {

    public static final String ATOM = "http://www.w3.org/2005/Atom";
    public static final String SDATA = "http://schemas.sage.com/sdata/2008/1";
    public static final String SYNC = "http://schemas.sage.com/sdata/sync/2008/1";
    public static final String HTTP = "http://schemas.sage.com/sdata/http/2008/1";
    public static final String OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/";
    public static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";

    /** Deepest element nesting accepted (payloads included). */
    public static final int MAX_DEPTH = 64;

    private SDataXml() {
    }

    /** Reads a document; malformed, hostile or oversized input is a {@link SDataException}. */
    public static XmlElement parse(byte[] bytes, int maxBytes) {
        if (bytes == null || bytes.length == 0) {
            throw SDataException.badRequest("the request has no body");
        }
        if (bytes.length > maxBytes) {
            throw new SDataException(413, "the document has " + bytes.length + " bytes; at most " + maxBytes + " are accepted");
        }
        try {
            java.nio.charset.Charset utf32 = utf32(bytes);
            XMLStreamReader reader = utf32 == null ? READERS.createXMLStreamReader(new ByteArrayInputStream(bytes))
                    : READERS.createXMLStreamReader(new java.io.InputStreamReader(new ByteArrayInputStream(bytes),
                            utf32.newDecoder())); // reports malformed input instead of replacing it
            try {
                return tree(reader);
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            throw SDataException.badRequest("the document is not well-formed XML: " + e.getMessage());
        }
    }

    /**
     * UTF-32 by the document's first four bytes (a byte-order mark, or {@code <} as UTF-32), which
     * Aalto does not detect itself: such a document is decoded by the JDK and read as characters.
     */
    private static java.nio.charset.Charset utf32(byte[] bytes) {
        if (bytes.length < 4) {
            return null;
        }
        int first = (bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | bytes[3] & 0xFF;
        return switch (first) {
            case 0x0000FEFF, 0x0000003C -> java.nio.charset.Charset.forName("UTF-32BE");
            case 0xFFFE0000, 0x3C000000 -> java.nio.charset.Charset.forName("UTF-32LE");
            default -> null;
        };
    }

    /** Aalto's, by class, made once: thread-safe once configured. */
    private static final XMLInputFactory READERS = readers();

    private static XMLInputFactory readers() {
        XMLInputFactory factory = new InputFactoryImpl();
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        // A DOCTYPE is refused when it is met (see tree); nothing of it is ever read or fetched.
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, true);
        return factory;
    }

    /** Builds the element tree from the reader's events, refusing a DOCTYPE and nesting beyond {@link #MAX_DEPTH}. */
    private static XmlElement tree(XMLStreamReader reader) throws XMLStreamException {
        ArrayDeque<XmlElement> open = new ArrayDeque<>();
        StringBuilder text = new StringBuilder(); // read since the last tag: it belongs to the innermost open element
        XmlElement root = null;
        while (reader.hasNext()) {
            switch (reader.next()) {
                case XMLStreamConstants.START_ELEMENT -> {
                    if (open.size() >= MAX_DEPTH) {
                        throw SDataException.badRequest("the document nests deeper than " + MAX_DEPTH + " levels");
                    }
                    flush(open, text);
                    int count = reader.getAttributeCount();
                    String[] attributes = count == 0 ? NO_ATTRIBUTES : new String[count * 3];
                    for (int i = 0; i < count; i++) {
                        String namespace = reader.getAttributeNamespace(i);
                        attributes[3 * i] = namespace == null ? "" : namespace;
                        attributes[3 * i + 1] = reader.getAttributeLocalName(i);
                        attributes[3 * i + 2] = reader.getAttributeValue(i);
                    }
                    String namespace = reader.getNamespaceURI();
                    XmlElement element = new XmlElement(namespace == null || namespace.isEmpty() ? null : namespace,
                            reader.getLocalName(), attributes);
                    if (open.isEmpty()) {
                        root = element;
                    } else {
                        open.peek().add(element);
                    }
                    open.push(element);
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (!open.isEmpty()) {
                        text.append(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
                    }
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    flush(open, text);
                    open.pop();
                }
                case XMLStreamConstants.DTD -> throw SDataException.badRequest(
                        "the document has a DOCTYPE; SData documents are read without DTDs or entity declarations");
                case XMLStreamConstants.ENTITY_REFERENCE -> throw SDataException.badRequest(
                        "the document refers to the entity '" + reader.getLocalName() + "', which XML does not declare");
                default -> {
                    // comments, processing instructions, the document's start and end
                }
            }
        }
        if (root == null) {
            throw SDataException.badRequest("the document has no element");
        }
        return root;
    }

    private static final String[] NO_ATTRIBUTES = new String[0];

    private static void flush(ArrayDeque<XmlElement> open, StringBuilder text) {
        if (!text.isEmpty()) {
            open.peek().add(text.toString());
            text.setLength(0);
        }
    }

    // ---- writing

    /** Writes a document's content below its root element. */
    interface Body {
        void write(XMLStreamWriter xml) throws XMLStreamException;
    }

    /**
     * Aalto's, by class: the platform's writer was half of a catch-up's time, and Aalto's reader and
     * writer spent a tenth less than Woodstox's. Thread-safe once made.
     */
    private static final XMLOutputFactory WRITERS = new OutputFactoryImpl();

    /**
     * A UTF-8 document whose root element declares every namespace the protocol's documents use —
     * Atom as the default, {@code sdata}, {@code sync}, {@code http}, and {@code c} for the
     * contract's resources when one is given — so that the elements below it are written with
     * those prefixes and no declarations of their own.
     */
    static byte[] document(String namespace, String root, String contractNamespace, Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            XMLStreamWriter xml = WRITERS.createXMLStreamWriter(out, "UTF-8");
            xml.setDefaultNamespace(ATOM);
            xml.setPrefix("sdata", SDATA);
            xml.setPrefix("sync", SYNC);
            xml.setPrefix("http", HTTP);
            if (contractNamespace != null) {
                xml.setPrefix("c", contractNamespace);
            }
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeStartElement(namespace, root);
            xml.writeDefaultNamespace(ATOM);
            xml.writeNamespace("sdata", SDATA);
            xml.writeNamespace("sync", SYNC);
            xml.writeNamespace("http", HTTP);
            if (contractNamespace != null) {
                xml.writeNamespace("c", contractNamespace);
            }
            body.write(xml);
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write an SData document: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    // ---- navigation

    /** The first child in any of these namespaces. */
    static XmlElement childIn(XmlElement parent, String name, String... namespaces) {
        for (String namespace : namespaces) {
            XmlElement found = parent.child(namespace, name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    static String text(XmlElement element) {
        return element == null ? null : element.text().strip();
    }

    static String requiredText(XmlElement parent, String namespace, String name) {
        String value = text(parent.child(namespace, name));
        if (value == null || value.isEmpty()) {
            throw SDataException.badRequest("<" + parent.name() + "> needs a <" + name + ">");
        }
        return value;
    }

    static long requiredLong(XmlElement parent, String namespace, String name) {
        String value = requiredText(parent, namespace, name);
        try {
            long parsed = Long.parseLong(value);
            if (parsed < 0) {
                throw SDataException.badRequest("<" + name + "> cannot be negative: " + value);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw SDataException.badRequest("<" + name + "> must be a whole number, not '" + value + "'");
        }
    }

    /** A timestamp, with or without fractional seconds, with Z or an offset, or none (then UTC). */
    public static Instant instant(String text) {
        String value = text.strip();
        Instant utc = utc(value);
        if (utc != null) {
            return utc;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw SDataException.badRequest("'" + value + "' is not a timestamp such as 2008-10-30T14:52:03.281Z");
            }
        }
    }

    /**
     * The form feeds carry on every entry ({@code 2008-10-30T14:52:03.281Z}: UTC, 0 to 9 fraction
     * digits) read directly — {@code OffsetDateTime.parse} was a seventh of a catch-up's time; null
     * for any other form or a field out of range, which the general parsers then read or refuse.
     */
    private static Instant utc(String value) {
        int length = value.length();
        if (length < 20 || length > 30 || value.charAt(length - 1) != 'Z' || value.charAt(4) != '-' || value.charAt(7) != '-'
                || value.charAt(10) != 'T' || value.charAt(13) != ':' || value.charAt(16) != ':'
                || (length > 20 && (value.charAt(19) != '.' || length == 21))) {
            return null;
        }
        int year = digits(value, 0, 4);
        int month = digits(value, 5, 7);
        int day = digits(value, 8, 10);
        int hour = digits(value, 11, 13);
        int minute = digits(value, 14, 16);
        int second = digits(value, 17, 19);
        int fraction = length > 20 ? digits(value, 20, length - 1) : 0;
        if ((year | month | day | hour | minute | second | fraction) < 0 || month < 1 || month > 12 || day < 1
                || day > YearMonth.of(year, month).lengthOfMonth() || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        int nanos = fraction;
        for (int read = Math.max(0, length - 21); read < 9; read++) { // the fraction's digits, scaled to nine
            nanos *= 10;
        }
        return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
    }

    /** The decimal number in {@code value[from, to)}, or -1 when a character is not a digit. */
    private static int digits(String value, int from, int to) {
        int number = 0;
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            number = number * 10 + (c - '0');
        }
        return number;
    }

    /** A boolean as SData clients write them: true/false in any case, or 1/0. */
    static boolean bool(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        return value.equals("true") || value.equals("1");
    }
}
