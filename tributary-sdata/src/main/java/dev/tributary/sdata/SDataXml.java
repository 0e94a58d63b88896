package dev.tributary.sdata;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Reading SData documents: hardened, bounded, and tolerant where real clients differ.
 *
 * <p>Implementation notes. A document larger than the limit is refused unread; any DOCTYPE is
 * refused (so no DTDs and no entities); external access is off; nesting deeper than
 * {@link #MAX_DEPTH} is refused. Tolerances: the tracking element in the SData or the sync
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
    public static Element parse(byte[] bytes, int maxBytes) {
        if (bytes == null || bytes.length == 0) {
            throw SDataException.badRequest("the request has no body");
        }
        if (bytes.length > maxBytes) {
            throw new SDataException(413, "the document has " + bytes.length + " bytes; at most " + maxBytes + " are accepted");
        }
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            factory.setNamespaceAware(true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            document = builder.parse(new ByteArrayInputStream(bytes));
        } catch (SAXException e) {
            throw SDataException.badRequest("the document is not well-formed XML: " + e.getMessage());
        } catch (IOException | ParserConfigurationException e) {
            throw SDataException.badRequest("the document cannot be read: " + e.getMessage());
        }
        Element root = document.getDocumentElement();
        checkDepth(root, 1);
        return root;
    }

    private static void checkDepth(Element element, int depth) {
        if (depth > MAX_DEPTH) {
            throw SDataException.badRequest("the document nests deeper than " + MAX_DEPTH + " levels");
        }
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e) {
                checkDepth(e, depth + 1);
            }
        }
    }

    // ---- navigation

    static List<Element> children(Element parent, String namespace, String name) {
        List<Element> found = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e && name.equals(e.getLocalName())
                    && (namespace == null || namespace.equals(e.getNamespaceURI()))) {
                found.add(e);
            }
        }
        return found;
    }

    static Element child(Element parent, String namespace, String name) {
        List<Element> found = children(parent, namespace, name);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The first child in any of these namespaces. */
    static Element childIn(Element parent, String name, String... namespaces) {
        for (String namespace : namespaces) {
            Element found = child(parent, namespace, name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    static String text(Element element) {
        return element == null ? null : element.getTextContent().strip();
    }

    static String requiredText(Element parent, String namespace, String name) {
        String value = text(child(parent, namespace, name));
        if (value == null || value.isEmpty()) {
            throw SDataException.badRequest("<" + parent.getLocalName() + "> needs a <" + name + ">");
        }
        return value;
    }

    static long requiredLong(Element parent, String namespace, String name) {
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
