package dev.tributary.sdata;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.w3c.dom.Element;

/**
 * A synchronization feed (SData 4.4) — or a page of one, or the result feed of a
 * {@code $syncTarget} (5.3), whose entries carry {@code http:} outcomes.
 *
 * @param id the feed's URL
 * @param title a title for people
 * @param catchUp syncMode: catch-up (true) or immediate
 * @param digest the source digest, or null in a result feed
 * @param entries in ascending tick order per endpoint
 * @param next the next page's URL, or null on the last page
 */
public record SyncFeed(String id, String title, boolean catchUp, Digest digest, List<Entry> entries, String next) {

    public SyncFeed {
        entries = List.copyOf(entries);
    }

    /**
     * One resource of a feed.
     *
     * @param id the resource's URL (may be null in a request)
     * @param uuid the resource's correlation id ({@code sdata:uuid}); the hub's record id
     * @param state its sync state (null in a result entry that failed before it had one)
     * @param deleted whether it was deleted at the source
     * @param data its complete JSON data (null when deleted)
     * @param outcome the target's outcome for it, in a result feed; null in a sync feed
     */
    public record Entry(String id, String uuid, Instant updated, SyncState state, boolean deleted, ObjectNode data,
            Outcome outcome) {
    }

    /**
     * How a target handled an entry: the {@code http:} elements of a result entry, and an
     * application code (an {@code sdata:diagnosis} with {@code sdata:applicationCode}) saying more
     * than the status can — {@link #NOT_APPLIED}: accepted, but the target kept its own version.
     */
    public record Outcome(int status, String message, String method, String location, String etag, String code) {

        public Outcome(int status, String message, String method, String location, String etag) {
            this(status, message, method, location, etag, null);
        }

        /** Whether the target accepted the entry but kept its own version (it won the conflict check). */
        public boolean notApplied() {
            return NOT_APPLIED.equals(code);
        }
    }

    /** The application code of an entry the target accepted without applying it. */
    public static final String NOT_APPLIED = "notApplied";

    // ---- reading

    /** Reads a feed posted to {@code $syncTarget} (or a source page read by the engine). */
    public static SyncFeed read(Element root) {
        if (!"feed".equals(root.getLocalName()) || !SDataXml.ATOM.equals(root.getNamespaceURI())) {
            throw SDataException.badRequest("expected an Atom <feed>, not <" + root.getLocalName() + ">");
        }
        String mode = SDataXml.text(SDataXml.childIn(root, "syncMode", SDataXml.SYNC, SDataXml.SDATA));
        boolean catchUp = mode == null || mode.toLowerCase(Locale.ROOT).equals("catchup");
        if (mode != null && !catchUp && !mode.toLowerCase(Locale.ROOT).equals("immediate")) {
            throw SDataException.badRequest("syncMode must be catchUp or immediate, not '" + mode + "'");
        }
        Element digestElement = SDataXml.child(root, SDataXml.SYNC, "digest");
        Digest digest = digestElement == null ? null : Digests.read(digestElement);
        List<Entry> entries = new ArrayList<>();
        for (Element entry : SDataXml.children(root, SDataXml.ATOM, "entry")) {
            entries.add(entry(entry));
        }
        String next = null;
        for (Element link : SDataXml.children(root, SDataXml.ATOM, "link")) {
            if ("next".equals(link.getAttribute("rel"))) {
                next = link.getAttribute("href");
            }
        }
        return new SyncFeed(SDataXml.text(SDataXml.child(root, SDataXml.ATOM, "id")),
                SDataXml.text(SDataXml.child(root, SDataXml.ATOM, "title")), catchUp, digest, entries, next);
    }

    private static Entry entry(Element entry) {
        String id = SDataXml.text(SDataXml.child(entry, SDataXml.ATOM, "id"));
        String updated = SDataXml.text(SDataXml.child(entry, SDataXml.ATOM, "updated"));
        Element stateElement = SDataXml.child(entry, SDataXml.SYNC, "syncState");
        SyncState state = stateElement == null ? null : new SyncState(SDataXml.requiredText(stateElement, SDataXml.SYNC,
                "endpoint"), SDataXml.requiredLong(stateElement, SDataXml.SYNC, "tick"),
                SDataXml.instant(SDataXml.requiredText(stateElement, SDataXml.SYNC, "stamp")));
        Element payload = SDataXml.child(entry, SDataXml.SDATA, "payload");
        Element resource = null;
        if (payload != null) {
            for (org.w3c.dom.Node child = payload.getFirstChild(); child != null; child = child.getNextSibling()) {
                if (child instanceof Element e) {
                    resource = e;
                    break;
                }
            }
        }
        // The uuid belongs on the resource element; SData's own immediate-mode example puts it on the payload.
        String uuid = resource == null ? null : attribute(resource, "uuid");
        if (uuid == null && payload != null) {
            uuid = attribute(payload, "uuid");
        }
        String deletedFlag = resource == null ? null : attribute(resource, "isDeleted");
        boolean deleted = deletedFlag != null && SDataXml.bool(deletedFlag);
        ObjectNode data = resource == null || deleted ? null : Payloads.read(resource);
        Outcome outcome = null;
        String status = SDataXml.text(SDataXml.child(entry, SDataXml.HTTP, "httpStatus"));
        Element diagnosis = SDataXml.child(entry, SDataXml.SDATA, "diagnosis");
        if (status != null) {
            try {
                outcome = new Outcome(Integer.parseInt(status), SDataXml.text(SDataXml.child(entry, SDataXml.HTTP,
                        "httpMessage")), SDataXml.text(SDataXml.child(entry, SDataXml.HTTP, "httpMethod")),
                        SDataXml.text(SDataXml.child(entry, SDataXml.HTTP, "location")),
                        SDataXml.text(SDataXml.child(entry, SDataXml.HTTP, "etag")),
                        diagnosis == null ? null : SDataXml.text(SDataXml.child(diagnosis, SDataXml.SDATA, "applicationCode")));
            } catch (NumberFormatException e) {
                throw SDataException.badRequest("httpStatus must be a number, not '" + status + "'");
            }
        }
        return new Entry(id, uuid, updated == null || updated.isEmpty() ? null : SDataXml.instant(updated), state, deleted,
                data, outcome);
    }

    /** An sdata: attribute, or the same attribute in the sync namespace (clients differ). */
    private static String attribute(Element element, String name) {
        if (element.hasAttributeNS(SDataXml.SDATA, name)) {
            return element.getAttributeNS(SDataXml.SDATA, name);
        }
        if (element.hasAttributeNS(SDataXml.SYNC, name)) {
            return element.getAttributeNS(SDataXml.SYNC, name);
        }
        return null;
    }

    // ---- writing

    /**
     * The feed as an Atom document.
     *
     * @param contractNamespace the namespace of resource elements
     * @param resourceElement the name of a resource's element (e.g. {@code account})
     * @param self the URL of this page
     */
    public byte[] write(String contractNamespace, String resourceElement, String self) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter xml = writer(out);
            xml.setPrefix("c", contractNamespace);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeStartElement(SDataXml.ATOM, "feed");
            xml.writeNamespace("sdata", SDataXml.SDATA);
            xml.writeNamespace("sync", SDataXml.SYNC);
            xml.writeNamespace("http", SDataXml.HTTP);
            xml.writeNamespace("c", contractNamespace);
            text(xml, SDataXml.ATOM, "title", title);
            text(xml, SDataXml.ATOM, "id", id);
            text(xml, SDataXml.ATOM, "updated", format(Instant.now()));
            link(xml, "self", self);
            if (next != null) {
                link(xml, "next", next);
            }
            if (digest != null) {
                text(xml, SDataXml.SYNC, "syncMode", catchUp ? "catchUp" : "immediate");
                Digests.write(xml, digest);
            }
            for (Entry entry : entries) {
                writeEntry(xml, entry, contractNamespace, resourceElement);
            }
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write a feed: " + e.getMessage(), e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void writeEntry(XMLStreamWriter xml, Entry entry, String contractNamespace, String resourceElement)
            throws XMLStreamException {
        xml.writeStartElement(SDataXml.ATOM, "entry");
        text(xml, SDataXml.ATOM, "id", entry.id() == null ? "" : entry.id());
        text(xml, SDataXml.ATOM, "title", entry.uuid() == null ? "" : entry.uuid());
        text(xml, SDataXml.ATOM, "updated", format(entry.updated() == null ? Instant.now() : entry.updated()));
        if (entry.outcome() != null) {
            Outcome outcome = entry.outcome();
            text(xml, SDataXml.HTTP, "httpStatus", Integer.toString(outcome.status()));
            text(xml, SDataXml.HTTP, "httpMessage", outcome.message());
            if (outcome.location() != null) {
                text(xml, SDataXml.HTTP, "location", outcome.location());
            }
            if (outcome.method() != null) {
                text(xml, SDataXml.HTTP, "httpMethod", outcome.method());
            }
            if (outcome.etag() != null) {
                text(xml, SDataXml.HTTP, "etag", outcome.etag());
            }
            if (outcome.code() != null) {
                xml.writeStartElement(SDataXml.SDATA, "diagnosis");
                text(xml, SDataXml.SDATA, "severity", "info");
                text(xml, SDataXml.SDATA, "applicationCode", outcome.code());
                text(xml, SDataXml.SDATA, "message", outcome.message());
                xml.writeEndElement();
            }
        }
        if (entry.state() != null) {
            xml.writeStartElement(SDataXml.SYNC, "syncState");
            text(xml, SDataXml.SYNC, "endpoint", entry.state().endpoint());
            text(xml, SDataXml.SYNC, "tick", Long.toString(entry.state().tick()));
            text(xml, SDataXml.SYNC, "stamp", format(entry.state().stamp()));
            xml.writeEndElement();
        }
        if (entry.uuid() != null) {
            xml.writeStartElement(SDataXml.SDATA, "payload");
            xml.writeStartElement(contractNamespace, resourceElement);
            xml.writeAttribute("sdata", SDataXml.SDATA, "uuid", entry.uuid());
            if (entry.deleted()) {
                xml.writeAttribute("sdata", SDataXml.SDATA, "isDeleted", "true");
            } else if (entry.data() != null) {
                Payloads.write(xml, contractNamespace, entry.data());
            }
            xml.writeEndElement();
            xml.writeEndElement();
        }
        xml.writeEndElement();
    }

    static void text(XMLStreamWriter xml, String namespace, String name, String value) throws XMLStreamException {
        xml.writeStartElement(namespace, name);
        if (value != null) {
            xml.writeCharacters(value);
        }
        xml.writeEndElement();
    }

    private static void link(XMLStreamWriter xml, String rel, String href) throws XMLStreamException {
        xml.writeStartElement(SDataXml.ATOM, "link");
        xml.writeAttribute("rel", rel);
        xml.writeAttribute("type", "application/atom+xml; type=feed");
        xml.writeAttribute("href", href);
        xml.writeEndElement();
    }

    /** A namespace-repairing writer with the protocol's prefixes: Atom as default, sdata, sync, http. */
    static XMLStreamWriter writer(java.io.Writer out) throws XMLStreamException {
        XMLOutputFactory factory = XMLOutputFactory.newFactory();
        factory.setProperty(XMLOutputFactory.IS_REPAIRING_NAMESPACES, true);
        XMLStreamWriter xml = factory.createXMLStreamWriter(out);
        xml.setDefaultNamespace(SDataXml.ATOM);
        xml.setPrefix("sdata", SDataXml.SDATA);
        xml.setPrefix("sync", SDataXml.SYNC);
        xml.setPrefix("http", SDataXml.HTTP);
        return xml;
    }

    static String format(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
