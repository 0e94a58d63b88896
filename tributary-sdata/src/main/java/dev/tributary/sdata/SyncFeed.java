package dev.tributary.sdata;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

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
    public record Entry(String id, String uuid, Instant updated, SyncState state, boolean deleted, Payload data,
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
    public static SyncFeed read(XmlElement root) {
        if (!root.is(SDataXml.ATOM, "feed")) {
            throw SDataException.badRequest("expected an Atom <feed>, not <" + root.name() + ">");
        }
        String mode = SDataXml.text(SDataXml.childIn(root, "syncMode", SDataXml.SYNC, SDataXml.SDATA));
        boolean catchUp = mode == null || mode.toLowerCase(Locale.ROOT).equals("catchup");
        if (mode != null && !catchUp && !mode.toLowerCase(Locale.ROOT).equals("immediate")) {
            throw SDataException.badRequest("syncMode must be catchUp or immediate, not '" + mode + "'");
        }
        XmlElement digestElement = root.child(SDataXml.SYNC, "digest");
        Digest digest = digestElement == null ? null : Digests.read(digestElement);
        List<Entry> entries = new ArrayList<>();
        for (XmlElement entry : root.children(SDataXml.ATOM, "entry")) {
            entries.add(entry(entry));
        }
        String next = null;
        for (XmlElement link : root.children(SDataXml.ATOM, "link")) {
            if ("next".equals(link.attribute("rel"))) {
                next = link.attribute("href");
                if (next == null || next.isBlank()) {
                    throw SDataException.badRequest("the feed's next link has no href");
                }
            }
        }
        return new SyncFeed(SDataXml.text(root.child(SDataXml.ATOM, "id")),
                SDataXml.text(root.child(SDataXml.ATOM, "title")), catchUp, digest, entries, next);
    }

    private static Entry entry(XmlElement entry) {
        String id = SDataXml.text(entry.child(SDataXml.ATOM, "id"));
        String updated = SDataXml.text(entry.child(SDataXml.ATOM, "updated"));
        XmlElement stateElement = entry.child(SDataXml.SYNC, "syncState");
        SyncState state = stateElement == null ? null : new SyncState(SDataXml.requiredText(stateElement, SDataXml.SYNC,
                "endpoint"), SDataXml.requiredLong(stateElement, SDataXml.SYNC, "tick"),
                SDataXml.instant(SDataXml.requiredText(stateElement, SDataXml.SYNC, "stamp")));
        XmlElement payload = entry.child(SDataXml.SDATA, "payload");
        XmlElement resource = payload == null ? null : payload.firstElement();
        // The uuid belongs on the resource element; SData's own immediate-mode example puts it on the payload.
        String uuid = resource == null ? null : attribute(resource, "uuid");
        if (uuid == null && payload != null) {
            uuid = attribute(payload, "uuid");
        }
        String deletedFlag = resource == null ? null : attribute(resource, "isDeleted");
        boolean deleted = deletedFlag != null && SDataXml.bool(deletedFlag);
        Payload data = resource == null || deleted ? null : Payloads.read(resource);
        Outcome outcome = null;
        String status = SDataXml.text(entry.child(SDataXml.HTTP, "httpStatus"));
        XmlElement diagnosis = entry.child(SDataXml.SDATA, "diagnosis");
        if (status != null) {
            try {
                outcome = new Outcome(Integer.parseInt(status), SDataXml.text(entry.child(SDataXml.HTTP,
                        "httpMessage")), SDataXml.text(entry.child(SDataXml.HTTP, "httpMethod")),
                        SDataXml.text(entry.child(SDataXml.HTTP, "location")),
                        SDataXml.text(entry.child(SDataXml.HTTP, "etag")),
                        diagnosis == null ? null : SDataXml.text(diagnosis.child(SDataXml.SDATA, "applicationCode")));
            } catch (NumberFormatException e) {
                throw SDataException.badRequest("httpStatus must be a number, not '" + status + "'");
            }
        }
        return new Entry(id, uuid, updated == null || updated.isEmpty() ? null : SDataXml.instant(updated), state, deleted,
                data, outcome);
    }

    /** An sdata: attribute, or the same attribute in the sync namespace (clients differ). */
    private static String attribute(XmlElement element, String name) {
        String value = element.attribute(SDataXml.SDATA, name);
        return value != null ? value : element.attribute(SDataXml.SYNC, name);
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
        return SDataXml.document(SDataXml.ATOM, "feed", contractNamespace, xml -> {
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
        });
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
                try {
                    Payloads.write(xml, contractNamespace, entry.data());
                } catch (SDataException e) {
                    // No page can hold the record; leaving it out would let the target's digest pass it by.
                    throw new SDataException(e.status(), "record " + entry.uuid() + " cannot be sent: " + e.getMessage()
                            + "; the feed stops here until the value is changed");
                }
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

    /** The first and last second of the years 0000 to 9999, which {@link #format} writes itself. */
    private static final long FIRST_SECOND = -62_167_219_200L;
    private static final long LAST_SECOND = 253_402_300_799L;

    /**
     * The instant to the millisecond as {@link Instant#toString} writes it ({@code 2008-10-30T14:52:03.281Z},
     * no fraction when it is zero), written directly for the years 0000 to 9999: feeds carry two per
     * entry, and the general formatter was a twentieth of a catch-up's samples.
     */
    static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST_SECOND || seconds > LAST_SECOND) {
            return instant.truncatedTo(ChronoUnit.MILLIS).toString();
        }
        LocalDateTime time = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        int millis = instant.getNano() / 1_000_000;
        char[] text = new char[millis == 0 ? 20 : 24];
        digits(text, 0, 4, time.getYear());
        text[4] = '-';
        digits(text, 5, 2, time.getMonthValue());
        text[7] = '-';
        digits(text, 8, 2, time.getDayOfMonth());
        text[10] = 'T';
        digits(text, 11, 2, time.getHour());
        text[13] = ':';
        digits(text, 14, 2, time.getMinute());
        text[16] = ':';
        digits(text, 17, 2, time.getSecond());
        if (millis != 0) {
            text[19] = '.';
            digits(text, 20, 3, millis);
        }
        text[text.length - 1] = 'Z';
        return new String(text);
    }

    /** Writes {@code value} as {@code count} decimal digits, zero-padded, from {@code at}. */
    private static void digits(char[] text, int at, int count, int value) {
        for (int i = at + count - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
