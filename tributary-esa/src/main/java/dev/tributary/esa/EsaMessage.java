package dev.tributary.esa;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import javax.xml.transform.dom.DOMSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.Attributes;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;
import org.xml.sax.ext.Attributes2;
import org.xml.sax.ext.DefaultHandler2;
import org.xml.sax.helpers.AttributesImpl;

/**
 * One protocol message: a call (to an ESA or to the Helper API), a result or a fault, with the
 * call id it carries or answers.
 *
 * <p>Implementation notes. {@link #parse} is the only way bytes become a message, on every side:
 * it refuses documents over the size limit before parsing, refuses any DOCTYPE (so no DTD, no
 * external or internal entities, no entity expansion), parses with external access switched off,
 * and validates the document against the protocol's XSD, which also bounds names, ids, texts and
 * counts — in one streaming pass (the parser validates as it reads and hands its events to the
 * tree's builder, no DOM); a document that fails anywhere gives no message. A result that holds
 * records only (a page of a cursor) is first tried by a lighter reader that accepts only documents
 * of that shape it can tell the schema accepts, and leaves every other to the validating parser
 * (see {@link #recordsOnly}). {@link #write} streams the
 * tree out as UTF-8 and produces documents that pass the same checks.
 *
 * @param kind what the message is
 * @param id the call's {@code call-id}, or the {@code response-to} of a result or fault
 * @param body the call element ({@code startSync}, {@code getModified}, …), the {@code result}
 *     or the {@code fault}
 */
public record EsaMessage(Kind kind, String id, XmlNode body) {

    /** Messages larger than this are refused unread (a page of records fits many times over). */
    public static final int DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

    /** What a message is. */
    public enum Kind {
        /** A call from the hub to an ESA ({@code <esa-call>}). */
        ESA_CALL("esa-call"),
        /** A call from an ESA to the hub's Helper API ({@code <api-call>}). */
        API_CALL("api-call"),
        /** An answer ({@code <result>}). */
        RESULT("result"),
        /** A failed answer ({@code <fault>}). */
        FAULT("fault");

        private final String element;

        Kind(String element) {
            this.element = element;
        }

        public String element() {
            return element;
        }
    }

    private static final Schema SCHEMA = loadSchema();

    /** A call to an ESA. */
    public static EsaMessage esaCall(String callId, XmlNode call) {
        return new EsaMessage(Kind.ESA_CALL, callId, call);
    }

    /** A call to the Helper API. */
    public static EsaMessage apiCall(String callId, XmlNode call) {
        return new EsaMessage(Kind.API_CALL, callId, call);
    }

    /** A result holding these elements. */
    public static EsaMessage result(String responseTo, List<XmlNode> content) {
        return new EsaMessage(Kind.RESULT, responseTo, XmlNode.of("result", content));
    }

    /** A fault answering a call. */
    public static EsaMessage fault(String responseTo, EsaFault fault) {
        List<XmlNode> content = new ArrayList<>();
        String message = fault.getMessage() == null ? fault.type().wire() : fault.getMessage();
        content.add(XmlNode.text("message", message.length() > 4000 ? message.substring(0, 4000) : message));
        if (fault.id() != null) {
            content.add(XmlNode.text("id", fault.id()));
        }
        if (fault.token() != null) {
            content.add(XmlNode.text("token", fault.token()));
        }
        return new EsaMessage(Kind.FAULT, responseTo, XmlNode.of("fault", content).with("type", fault.type().wire()));
    }

    /** The call's name ({@code getModified}, {@code isKnownID}, …); only for calls. */
    public String callName() {
        if (kind != Kind.ESA_CALL && kind != Kind.API_CALL) {
            throw new IllegalStateException("a " + kind + " is not a call");
        }
        return body.name();
    }

    /** The fault this message carries, as an exception; only for faults. */
    public EsaFault toFault() {
        return new EsaFault(EsaFault.Type.ofWire(body.attribute("type").orElse("")), body.textOf("message").orElse(""),
                body.textOf("id").orElse(null), body.textOf("token").orElse(null));
    }

    /**
     * The answer to a call: this result, checked to answer {@code callId}. A fault becomes its
     * {@link EsaFault}; anything else is a protocol error.
     */
    public XmlNode answering(String callId) {
        if (kind != Kind.RESULT && kind != Kind.FAULT) {
            throw new EsaProtocolException("expected an answer to call " + callId + ", got a " + kind.element());
        }
        if (!id.equals(callId)) {
            throw new EsaProtocolException("the answer is to call '" + id + "', not to call '" + callId + "'");
        }
        if (kind == Kind.FAULT) {
            throw toFault();
        }
        return body;
    }

    // ---- reading

    /** Reads and validates a message; see the class notes for what is refused. */
    public static EsaMessage parse(byte[] bytes, int maxBytes) {
        if (bytes == null || bytes.length == 0) {
            throw new EsaProtocolException("the message is empty");
        }
        if (bytes.length > maxBytes) {
            throw new EsaProtocolException("the message has " + bytes.length + " bytes; at most " + maxBytes
                    + " are accepted");
        }
        XmlNode root = recordsOnly(bytes);
        if (root == null) {
            root = validated(bytes);
        }
        XmlNode envelope = root.children().get(0);
        for (Kind kind : Kind.values()) {
            if (kind.element.equals(envelope.name())) {
                String id = envelope.attribute(kind == Kind.ESA_CALL || kind == Kind.API_CALL ? "call-id" : "response-to")
                        .orElseThrow();
                XmlNode body = kind == Kind.ESA_CALL || kind == Kind.API_CALL ? envelope.children().get(0) : envelope;
                return new EsaMessage(kind, id, body);
            }
        }
        throw new EsaProtocolException("unknown message <" + envelope.name() + ">");
    }

    /** The message's tree, read by the platform's parser validating against the schema as it scans. */
    static XmlNode validated(byte[] bytes) {
        // One pass over the bytes: the parser validates as it scans (the schema's validator sits in
        // its pipeline) and hands the events to a builder of the message tree; no DOM is built and
        // no second pass validates one.
        TreeBuilder tree = new TreeBuilder();
        try {
            SAXParser parser;
            synchronized (PARSERS) { // a factory is not promised to be safe for concurrent use
                parser = PARSERS.newSAXParser();
            }
            parser.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            parser.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            XMLReader reader = parser.getXMLReader();
            reader.setErrorHandler(STRICT);
            reader.setContentHandler(tree);
            reader.setProperty("http://xml.org/sax/properties/lexical-handler", tree);
            reader.parse(new InputSource(new ByteArrayInputStream(bytes)));
        } catch (SchemaViolation e) {
            throw new EsaProtocolException("the message does not follow the protocol schema" + where(e.violation) + ": "
                    + e.violation.getMessage(), e.violation);
        } catch (SAXException e) {
            throw new EsaProtocolException("the message is not well-formed XML" + where(e) + ": " + e.getMessage(), e);
        } catch (IOException | ParserConfigurationException e) {
            throw new EsaProtocolException("the message cannot be read: " + e.getMessage(), e);
        }
        return tree.root;
    }

    // ---- reading results that hold records only

    /** The platform's StAX readers (no other library: the kit needs only the JDK); see {@link #recordsOnly}. */
    private static final XMLInputFactory RECORD_READERS = recordReaders();

    private static XMLInputFactory recordReaders() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        // A DOCTYPE ends this reader's part when it is met (the validating parser refuses it):
        // nothing of it is ever read or fetched.
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, true);
        factory.setProperty(XMLInputFactory.IS_COALESCING, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        // CDATA sections as events of their own: the white space at a value's ends inside them is kept.
        factory.setProperty("http://java.sun.com/xml/stream/properties/report-cdata-event", true);
        return factory;
    }

    /**
     * The tree of a {@code <result>} that holds records and nothing else — a page of a records
     * cursor, the answer to {@code getModified} or {@code read} — read without the schema's
     * validator, which took three quarters of the time of reading such a page: or null, and the
     * validating parser reads the message.
     *
     * <p>It accepts only documents it can tell follow the schema, built from the few rules the
     * schema makes for this shape: {@code <sync>} without attributes holding one {@code <result>}
     * whose only attribute is a {@code response-to} of the {@code CallId} pattern, holding
     * {@code <record>} elements without attributes, each holding at most one {@code <id>} (1 to
     * 1,024 characters), then at most one {@code <modified-at>}, then {@code <value>} elements
     * (a {@code name}, an optional {@code null} of {@code true} or {@code false}, up to 1,048,576
     * characters); white space only between elements; no namespace, comment, processing
     * instruction or DOCTYPE. Anything else — a rule it does not know, a document that is not
     * well-formed, a value at a limit — is left to the validating parser, so that what is refused
     * is refused as before, with the same message. The tree is built by the same builder, with the
     * same checks of names and timestamps. {@code RecordsOnlyReaderTest} holds it to the validating
     * parser on thousands of seeded documents, valid and broken.
     */
    static XmlNode recordsOnly(byte[] bytes) {
        TreeBuilder tree = new TreeBuilder();
        try {
            XMLStreamReader xml;
            synchronized (RECORD_READERS) { // as for the parsers' factory
                xml = RECORD_READERS.createXMLStreamReader(new ByteArrayInputStream(bytes));
            }
            try {
                return readRecordsOnly(xml, tree) ? tree.root : null;
            } finally {
                xml.close();
            }
        } catch (XMLStreamException | SchemaViolation | RuntimeException e) {
            return null; // whatever went wrong, the validating parser reads it and says what
        }
    }

    private static boolean readRecordsOnly(XMLStreamReader xml, TreeBuilder tree) throws XMLStreamException, SchemaViolation {
        AttributesImpl attributes = new AttributesImpl();
        int depth = 0;
        /** What the record open now has had: 0 nothing, 1 its id, 2 its modified-at, 3 values. */
        int part = 0;
        int length = 0;
        while (xml.hasNext()) {
            switch (xml.next()) {
                case XMLStreamConstants.START_ELEMENT -> {
                    String prefix = xml.getPrefix();
                    String uri = xml.getNamespaceURI();
                    if (xml.getNamespaceCount() != 0 || (prefix != null && !prefix.isEmpty()) || (uri != null && !uri.isEmpty())) {
                        return false;
                    }
                    String name = xml.getLocalName();
                    int count = xml.getAttributeCount();
                    attributes.clear();
                    for (int i = 0; i < count; i++) {
                        String attributePrefix = xml.getAttributePrefix(i);
                        String attributeUri = xml.getAttributeNamespace(i);
                        if ((attributePrefix != null && !attributePrefix.isEmpty())
                                || (attributeUri != null && !attributeUri.isEmpty())) {
                            return false;
                        }
                        String local = xml.getAttributeLocalName(i);
                        attributes.addAttribute("", local, local, "CDATA", xml.getAttributeValue(i));
                    }
                    switch (depth) {
                        case 0 -> {
                            if (!name.equals("sync") || count != 0) {
                                return false;
                            }
                        }
                        case 1 -> {
                            if (!name.equals("result") || count != 1 || !"response-to".equals(attributes.getLocalName(0))
                                    || !isCallId(attributes.getValue(0))) {
                                return false;
                            }
                        }
                        case 2 -> {
                            if (!name.equals("record") || count != 0) {
                                return false;
                            }
                            part = 0;
                        }
                        case 3 -> {
                            int next = switch (name) {
                                case "id" -> 1;
                                case "modified-at" -> 2;
                                case "value" -> 3;
                                default -> -1;
                            };
                            if (next < 0 || next < part || (next == part && next != 3)) {
                                return false;
                            }
                            part = next;
                            if (next == 3 ? !isPlainValue(attributes) : count != 0) {
                                return false;
                            }
                            length = 0;
                        }
                        default -> {
                            return false;
                        }
                    }
                    depth++;
                    tree.startElement("", name, name, attributes);
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    if (--depth == 3) {
                        boolean fits = switch (part) {
                            case 1 -> length >= 1 && length <= 1024; // Id
                            case 3 -> length <= 1_048_576; // Text
                            default -> true; // modified-at: the builder checks it
                        };
                        if (!fits) {
                            return false;
                        }
                    }
                    String name = xml.getLocalName();
                    tree.endElement("", name, name);
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.SPACE, XMLStreamConstants.CDATA -> {
                    char[] chars = xml.getTextCharacters();
                    int start = xml.getTextStart();
                    int count = xml.getTextLength();
                    if (depth == 4) {
                        length += count;
                        if (xml.getEventType() == XMLStreamConstants.CDATA) {
                            tree.startCDATA();
                            tree.characters(chars, start, count);
                            tree.endCDATA();
                        } else {
                            tree.characters(chars, start, count);
                        }
                    } else {
                        for (int i = start; i < start + count; i++) {
                            if (!isSchemaSpace(chars[i])) {
                                return false; // text where the schema allows elements only
                            }
                        }
                        if (depth > 0) {
                            tree.characters(chars, start, count);
                        }
                    }
                }
                case XMLStreamConstants.START_DOCUMENT, XMLStreamConstants.END_DOCUMENT -> {
                }
                default -> {
                    return false; // a comment, a processing instruction, a DOCTYPE, an entity
                }
            }
        }
        return depth == 0 && tree.root != null;
    }

    /** Whether a value's attributes are a name and at most a null of true or false (the builder checks the name). */
    private static boolean isPlainValue(Attributes attributes) {
        boolean named = false;
        for (int i = 0; i < attributes.getLength(); i++) {
            switch (attributes.getLocalName(i)) {
                case "name" -> named = true;
                case "null" -> {
                    String value = attributes.getValue(i);
                    if (!value.equals("true") && !value.equals("false")) {
                        return false;
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return named;
    }

    /** The schema's {@code CallId}: {@code [A-Za-z0-9._:-]{1,64}}. */
    private static boolean isCallId(String value) {
        if (value.isEmpty() || value.length() > 64) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':'
                    || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** Reads and validates a message of at most {@link #DEFAULT_MAX_BYTES}. */
    public static EsaMessage parse(byte[] bytes) {
        return parse(bytes, DEFAULT_MAX_BYTES);
    }

    private static String where(SAXException e) {
        return e instanceof SAXParseException p && p.getLineNumber() > 0
                ? " (line " + p.getLineNumber() + ", column " + p.getColumnNumber() + ")" : "";
    }

    private static final SAXParserFactory PARSERS = parsers();

    private static SAXParserFactory parsers() {
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            // No DOCTYPE at all: this alone rules out DTDs, entity declarations and expansion bombs.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setNamespaceAware(true);
            factory.setSchema(SCHEMA);
            factory.setFeature("http://apache.org/xml/features/validation/schema/augment-psvi", false);
            return factory;
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("the platform's XML parser lacks a safety feature: " + e.getMessage(), e);
        }
    }

    /** A schema error, told apart from a well-formedness error on its way out of the parser. */
    private static final class SchemaViolation extends SAXException {
        private final SAXParseException violation;

        SchemaViolation(SAXParseException violation) {
            super(violation.getMessage());
            this.violation = violation;
        }
    }

    /** Warnings pass; recoverable errors are the schema's validator's, fatal ones the parser's. */
    private static final ErrorHandler STRICT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException exception) {
        }

        @Override
        public void error(SAXParseException exception) throws SAXException {
            throw new SchemaViolation(exception);
        }

        @Override
        public void fatalError(SAXParseException exception) throws SAXException {
            throw exception;
        }
    };

    /** The published schema's {@code Name} pattern ({@code \s} in XML Schema is these four characters). */
    static final Pattern NAME = Pattern.compile("[ \t\n\r]*[A-Za-z_][A-Za-z0-9_.$-]{0,127}[ \t\n\r]*");

    /** The published schema's {@code Timestamp} pattern ({@code \d} in XML Schema is any decimal digit). */
    static final Pattern TIMESTAMP = Pattern.compile(
            "[ \t\n\r]*\\p{Nd}{4}-\\p{Nd}{2}-\\p{Nd}{2}T\\p{Nd}{2}:\\p{Nd}{2}:\\p{Nd}{2}(\\.\\p{Nd}{1,9})?Z[ \t\n\r]*");

    /**
     * Whether the text is a timestamp in the form the writers use — ASCII digits, optional
     * fraction — between optional white space: the common case, accepted without the regular
     * expression. False means "ask {@link #TIMESTAMP}", which also knows the other digits.
     */
    static boolean isPlainTimestamp(String text) {
        int from = 0;
        int to = text.length();
        while (from < to && isSchemaSpace(text.charAt(from))) {
            from++;
        }
        while (to > from && isSchemaSpace(text.charAt(to - 1))) {
            to--;
        }
        String shape = "dddd-dd-ddTdd:dd:dd";
        if (to - from < shape.length() + 1 || text.charAt(to - 1) != 'Z') {
            return false;
        }
        for (int i = 0; i < shape.length(); i++) {
            char c = text.charAt(from + i);
            if (shape.charAt(i) == 'd' ? c < '0' || c > '9' : c != shape.charAt(i)) {
                return false;
            }
        }
        int fraction = from + shape.length();
        int end = to - 1;
        if (fraction == end) {
            return true;
        }
        if (text.charAt(fraction) != '.' || end - fraction - 1 < 1 || end - fraction - 1 > 9) {
            return false;
        }
        for (int i = fraction + 1; i < end; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isSchemaSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** Builds the message tree from the (validated) parser events: elements, attributes, text. */
    private static final class TreeBuilder extends DefaultHandler2 {
        /** The elements open now, outermost first; entries past {@link #depth} are reused. */
        private final List<Open> open = new ArrayList<>();
        private int depth;
        /**
         * The text of the innermost open element. One buffer serves every element: text is kept
         * only for elements without children, and a child's start clears what its parent had.
         */
        private final StringBuilder text = new StringBuilder();
        /**
         * Where in {@link #text} the first CDATA section of the innermost element starts and the
         * last one ends (-1: none): white space inside them is the value's own and is kept.
         */
        private int cdataFrom = -1;
        private int cdataTo = -1;
        /** Value names already checked against {@link #NAME}: a page repeats a few names. */
        private final Set<String> names = new HashSet<>();
        private Locator locator;
        XmlNode root;

        /** An element being read; its children list is made at its first child (most elements have none). */
        private static final class Open {
            String name;
            Map<String, String> attributes;
            List<XmlNode> children;
        }

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes)
                throws SchemaViolation {
            String name = localName.isEmpty() ? qName : localName;
            // Only the attributes the document has: the validator also reports the schema's
            // defaults (null="false" on every value), which readers apply themselves. Most
            // elements have none or one (a value's name): no map is made for those.
            String firstName = null;
            String firstValue = null;
            Map<String, String> values = null;
            Attributes2 declared = attributes instanceof Attributes2 a ? a : null;
            for (int i = 0; i < attributes.getLength(); i++) {
                if (declared != null && !declared.isSpecified(i)) {
                    continue;
                }
                if (firstName == null) {
                    firstName = attributes.getQName(i);
                    firstValue = attributes.getValue(i);
                    continue;
                }
                if (values == null) {
                    values = new LinkedHashMap<>();
                    values.put(firstName, firstValue);
                }
                values.put(attributes.getQName(i), attributes.getValue(i));
            }
            if (values == null) {
                values = firstName == null ? Map.of() : Map.of(firstName, firstValue);
            }
            if (name.equals("value") && isIn("record")) {
                String field = "name".equals(firstName) ? firstValue : values.get("name");
                if (field != null && !names.contains(field)) {
                    check(field, NAME, "Name", "attribute 'name' of <value>");
                    if (names.size() < 1024) {
                        names.add(field);
                    }
                }
            }
            if (depth == open.size()) {
                open.add(new Open());
            }
            Open element = open.get(depth++);
            element.name = name;
            element.attributes = values;
            element.children = null;
            clearText();
        }

        private void clearText() {
            text.setLength(0);
            cdataFrom = -1;
            cdataTo = -1;
        }

        @Override
        public void startCDATA() {
            if (cdataFrom < 0) {
                cdataFrom = text.length();
            }
        }

        @Override
        public void endCDATA() {
            cdataTo = text.length();
        }

        /**
         * The innermost element's text without the white space around it — but white space inside
         * a CDATA section is kept: the protocol's examples indent values, and a value that starts
         * or ends with white space travels in CDATA (see {@link #write}).
         */
        private String trimmedText() {
            if (cdataFrom < 0) {
                return text.toString().strip();
            }
            int from = 0;
            while (from < cdataFrom && Character.isWhitespace(text.charAt(from))) {
                from++;
            }
            int to = text.length();
            while (to > cdataTo && Character.isWhitespace(text.charAt(to - 1))) {
                to--;
            }
            return text.substring(from, to);
        }

        /** Whether the innermost open element is named so. */
        private boolean isIn(String parent) {
            return depth > 0 && open.get(depth - 1).name.equals(parent);
        }

        /** Checks one of the facets the applied schema leaves to the builder; see {@link #loadSchema}. */
        private void check(String value, Pattern pattern, String type, String what) throws SchemaViolation {
            if (!pattern.matcher(value).matches()) {
                throw new SchemaViolation(new SAXParseException("the value '" + value + "' of " + what
                        + " does not match the pattern of type " + type + " (" + pattern.pattern() + ")", locator));
            }
        }

        @Override
        public void characters(char[] chars, int start, int length) {
            if (depth > 0 && open.get(depth - 1).children == null) {
                text.append(chars, start, length);
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) throws SchemaViolation {
            Open done = open.get(--depth);
            XmlNode node;
            if (done.children == null) {
                String raw = text.toString();
                if (done.name.equals("modified-at") && isIn("record") && !isPlainTimestamp(raw)) {
                    check(raw, TIMESTAMP, "Timestamp", "<modified-at>");
                }
                node = new XmlNode(done.name, done.attributes, trimmedText(), List.of());
            } else {
                node = new XmlNode(done.name, done.attributes, "", done.children);
            }
            done.name = null;
            done.attributes = null;
            done.children = null;
            clearText();
            if (depth == 0) {
                root = node;
            } else {
                Open parent = open.get(depth - 1);
                if (parent.children == null) {
                    parent.children = new ArrayList<>();
                }
                parent.children.add(node);
            }
        }
    }

    /**
     * The protocol's schema as the parser applies it. Two facets are checked by {@link TreeBuilder}
     * instead of by the schema's validator: the {@code Name} pattern of a record value's
     * {@code name} and the {@code Timestamp} pattern of a record's {@code modified-at}. They occur
     * on every value of every record, and the validator's regular-expression engine spent about a
     * fifth of a page's parse on them; the builder checks the same patterns (and remembers the few
     * names a page repeats). Every other declaration is the published schema's, unchanged — and a
     * document is accepted exactly when the published schema accepts it ({@code EsaMessageTest}
     * compares the two over seeded random documents).
     */
    private static Schema loadSchema() {
        URL xsd = EsaMessage.class.getResource("esa-protocol.xsd");
        if (xsd == null) {
            throw new IllegalStateException("esa-protocol.xsd is missing from the class path");
        }
        try (InputStream in = xsd.openStream()) {
            DocumentBuilderFactory documents = DocumentBuilderFactory.newInstance();
            documents.setNamespaceAware(true);
            documents.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            documents.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            Document schema = documents.newDocumentBuilder().parse(in, xsd.toExternalForm());
            retype(schema, "Record", "element", "modified-at", "Timestamp");
            retype(schema, "RecordValue", "attribute", "name", "Name");
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return factory.newSchema(new DOMSource(schema, xsd.toExternalForm()));
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw new IllegalStateException("esa-protocol.xsd is not a valid schema: " + e.getMessage(), e);
        }
    }

    /**
     * Declares the {@code kind} named {@code name} inside complex type {@code type} as a plain
     * string, after checking the schema still declares it of type {@code was} (whose facets
     * {@link TreeBuilder} checks in its place).
     */
    private static void retype(Document schema, String type, String kind, String name, String was) {
        NodeList types = schema.getElementsByTagNameNS(XMLConstants.W3C_XML_SCHEMA_NS_URI, "complexType");
        for (int i = 0; i < types.getLength(); i++) {
            Element complex = (Element) types.item(i);
            if (!type.equals(complex.getAttribute("name"))) {
                continue;
            }
            NodeList declarations = complex.getElementsByTagNameNS(XMLConstants.W3C_XML_SCHEMA_NS_URI, kind);
            for (int j = 0; j < declarations.getLength(); j++) {
                Element declaration = (Element) declarations.item(j);
                if (name.equals(declaration.getAttribute("name")) && was.equals(declaration.getAttribute("type"))) {
                    declaration.setAttribute("type", "xs:string");
                    return;
                }
            }
        }
        throw new IllegalStateException("esa-protocol.xsd no longer declares " + kind + " '" + name + "' of type "
                + was + " in " + type + "; EsaMessage checks its pattern and must follow the schema");
    }

    // ---- writing

    /** The platform's writer, whichever other StAX implementation the class path holds. */
    private static final XMLOutputFactory WRITERS = XMLOutputFactory.newDefaultFactory();

    private static XMLStreamWriter writer(Text text) throws XMLStreamException {
        synchronized (WRITERS) { // as for the parsers' factory
            return WRITERS.createXMLStreamWriter(text);
        }
    }

    /**
     * The message as a UTF-8 document.
     *
     * @throws EsaProtocolException when a text or an attribute holds a character XML 1.0 cannot
     *     carry, naming the record and the element
     */
    public byte[] write() {
        return document(8192, xml -> {
            switch (kind) {
                case ESA_CALL, API_CALL -> {
                    xml.writeStartElement(kind.element);
                    xml.writeAttribute("call-id", id);
                    write(xml, body, null);
                    xml.writeEndElement();
                }
                case RESULT, FAULT -> write(xml, body.with("response-to", id), null);
                default -> throw new IllegalStateException();
            }
        });
    }

    /** What goes inside a message's {@code <sync>}. */
    private interface Content {
        void write(XMLStreamWriter xml) throws XMLStreamException;
    }

    /** A UTF-8 document: the declaration and {@code <sync>} around what {@code content} writes. */
    private static byte[] document(int capacity, Content content) {
        Text out = new Text(capacity);
        try {
            XMLStreamWriter xml = writer(out);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeStartElement("sync");
            content.write(xml);
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write a message: " + e.getMessage(), e);
        }
        return out.chars.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The document's characters, encoded once at the end. The platform's writer writes many short
     * pieces: given a byte stream it encodes and writes them a byte at a time, and through an
     * encoding {@code Writer} each piece pays the encoder's call — writing a page took several
     * times longer either way.
     */
    private static final class Text extends Writer {
        final StringBuilder chars;

        Text(int capacity) {
            chars = new StringBuilder(capacity);
        }

        @Override
        public void write(char[] buffer, int offset, int length) {
            chars.append(buffer, offset, length);
        }

        @Override
        public void write(String string, int offset, int length) {
            chars.append(string, offset, offset + length);
        }

        @Override
        public void write(int c) {
            chars.append((char) c);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /**
     * A result holding these records, as {@link #result} with their elements would write it, but
     * written from the records as they are: a page holds thousands, and building their elements
     * first cost about as much as writing them.
     *
     * @throws EsaProtocolException as {@link #write} does
     */
    public static byte[] writeRecords(String responseTo, List<EsaRecord> records) {
        return document(1024 + records.size() * 256, xml -> { // about a small record's size each
            xml.writeStartElement(Kind.RESULT.element);
            writable(responseTo, null, Kind.RESULT.element, null, "response-to");
            xml.writeAttribute("response-to", responseTo);
            for (EsaRecord record : records) {
                String in = record.id() == null ? "(new)" : record.id();
                xml.writeStartElement("record");
                if (record.id() != null) {
                    leaf(xml, "id", null, record.id(), in);
                }
                if (record.modifiedAt() != null) {
                    leaf(xml, "modified-at", null, EsaTime.format(record.modifiedAt()), in);
                }
                for (Map.Entry<String, List<String>> value : record.values().entrySet()) {
                    String name = value.getKey();
                    if (value.getValue() == null) {
                        xml.writeStartElement("value");
                        writable(name, in, "value", name, "name");
                        xml.writeAttribute("name", name);
                        xml.writeAttribute("null", "true");
                        xml.writeEndElement();
                    } else {
                        for (String text : value.getValue()) {
                            leaf(xml, "value", name, text, in);
                        }
                    }
                }
                xml.writeEndElement();
            }
            xml.writeEndElement();
        });
    }

    /** An element of a record with text and, for a value, its name. */
    private static void leaf(XMLStreamWriter xml, String element, String name, String text, String record)
            throws XMLStreamException {
        xml.writeStartElement(element);
        if (name != null) {
            writable(name, record, element, name, "name");
            xml.writeAttribute("name", name);
        }
        if (!text.isEmpty()) {
            writable(text, record, element, name, null);
            text(xml, text);
        }
        xml.writeEndElement();
    }

    private static void write(XMLStreamWriter xml, XmlNode node, String record) throws XMLStreamException {
        xml.writeStartElement(node.name());
        String name = node.attributes().get("name");
        for (Map.Entry<String, String> attribute : node.attributes().entrySet()) {
            writable(attribute.getValue(), record, node.name(), name, attribute.getKey());
            xml.writeAttribute(attribute.getKey(), attribute.getValue());
        }
        if (node.children().isEmpty()) {
            if (!node.text().isEmpty()) {
                writable(node.text(), record, node.name(), name, null);
                text(xml, node.text());
            }
        } else {
            String in = node.name().equals("record") ? node.textOf("id").orElse("(new)") : record;
            for (XmlNode child : node.children()) {
                write(xml, child, in);
            }
        }
        xml.writeEndElement();
    }

    /**
     * Writes text so that it reads back the same. A carriage return is written as a character
     * reference, since a reader turns a literal one (and CR LF) into a line feed. Text that starts
     * or ends with white space is written in CDATA sections, from its first character to its last
     * (readers remove the white space around a value outside CDATA: the protocol's examples indent
     * values); a carriage return in it goes between two sections, and {@code ]]>} is split across
     * two.
     */
    private static void text(XMLStreamWriter xml, String text) throws XMLStreamException {
        boolean cdata = Character.isWhitespace(text.charAt(0)) || Character.isWhitespace(text.charAt(text.length() - 1));
        int from = 0;
        for (int cr = text.indexOf('\r'); cr >= 0; cr = text.indexOf('\r', from)) {
            piece(xml, text.substring(from, cr), cdata);
            xml.writeEntityRef("#13");
            from = cr + 1;
        }
        piece(xml, from == 0 ? text : text.substring(from), cdata);
    }

    private static void piece(XMLStreamWriter xml, String text, boolean cdata) throws XMLStreamException {
        if (!cdata) {
            xml.writeCharacters(text);
            return;
        }
        int from = 0;
        for (int end = text.indexOf("]]>"); end >= 0; end = text.indexOf("]]>", from)) {
            xml.writeCData(text.substring(from, end + 2));
            from = end + 2;
        }
        xml.writeCData(text.substring(from));
    }

    /**
     * Refuses text no XML 1.0 document can carry (U+0000, most controls below U+0020, U+FFFE,
     * U+FFFF, a lone surrogate): the platform's writer would write it as it is, and the peer refuse
     * the whole message as not well-formed. The message names the record, the element and the
     * character — and holds none itself, so that it can travel in a fault.
     */
    private static void writable(String text, String record, String elementName, String nameAttribute, String attribute) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0xD800 || c == '\t' || c == '\n' || c == '\r' || c >= 0xE000 && c < 0xFFFE) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            String element = "<" + elementName + (nameAttribute == null ? "" : " name=\"" + nameAttribute + "\"") + ">";
            String what = attribute == null ? "the text of" : "attribute " + attribute + " of";
            throw new EsaProtocolException((record == null ? "" : "record " + printable(record) + ": ") + what + " "
                    + printable(element) + " holds " + String.format("U+%04X", (int) c) + " at character " + (i + 1)
                    + ", which an XML 1.0 document cannot carry");
        }
    }

    /** The text with characters below U+0020 and from U+D800 up as {@code \\uXXXX}. */
    private static String printable(String text) {
        StringBuilder printable = new StringBuilder(text.length());
        text.chars().forEach(c -> printable.append(c >= 0x20 && c < 0xD800 ? Character.toString(c) : String.format("\\u%04X", c)));
        return printable.toString();
    }

    @Override
    public String toString() {
        return kind.element + "[" + id + "] <" + body.name() + ">";
    }
}
