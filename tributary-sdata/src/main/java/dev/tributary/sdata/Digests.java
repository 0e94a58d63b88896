package dev.tributary.sdata;

import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Digests as XML (SData 4.2): alone, inside a feed, or inside the entry posted to {@code $syncSource}. */
public final class Digests {

    private Digests() {
    }

    public static Digest read(XmlElement digest) {
        String origin = SDataXml.text(digest.child(SDataXml.SYNC, "origin"));
        List<DigestEntry> entries = new ArrayList<>();
        for (XmlElement entry : digest.children(SDataXml.SYNC, "digestEntry")) {
            String priority = SDataXml.text(entry.child(SDataXml.SYNC, "conflictPriority"));
            String stamp = SDataXml.text(entry.child(SDataXml.SYNC, "stamp"));
            int parsedPriority;
            try {
                parsedPriority = priority == null || priority.isEmpty() ? Digest.DEFAULT_PRIORITY : Integer.parseInt(priority);
            } catch (NumberFormatException e) {
                throw SDataException.badRequest("conflictPriority must be 1 to 9, not '" + priority + "'");
            }
            try {
                entries.add(new DigestEntry(SDataXml.requiredText(entry, SDataXml.SYNC, "endpoint"),
                        SDataXml.requiredLong(entry, SDataXml.SYNC, "tick"),
                        stamp == null || stamp.isEmpty() ? java.time.Instant.EPOCH : SDataXml.instant(stamp), parsedPriority));
            } catch (IllegalArgumentException e) {
                throw SDataException.badRequest("bad digest entry: " + e.getMessage());
            }
        }
        try {
            return new Digest(origin, entries);
        } catch (IllegalArgumentException e) {
            throw SDataException.badRequest(e.getMessage());
        }
    }

    /** The digest in a document: the root itself, or an Atom entry's {@code sdata:payload}. */
    public static Digest find(XmlElement root) {
        if (root.is(SDataXml.SYNC, "digest")) {
            return read(root);
        }
        if ("entry".equals(root.name())) {
            XmlElement payload = root.child(SDataXml.SDATA, "payload");
            XmlElement digest = payload == null ? null : payload.child(SDataXml.SYNC, "digest");
            if (digest != null) {
                return read(digest);
            }
        }
        throw SDataException.badRequest("expected a <digest> (namespace " + SDataXml.SYNC
                + "), alone or in an entry's payload");
    }

    static void write(XMLStreamWriter xml, Digest digest) throws XMLStreamException {
        xml.writeStartElement(SDataXml.SYNC, "digest");
        content(xml, digest);
        xml.writeEndElement();
    }

    private static void content(XMLStreamWriter xml, Digest digest) throws XMLStreamException {
        if (digest.origin() != null) {
            SyncFeed.text(xml, SDataXml.SYNC, "origin", digest.origin());
        }
        for (DigestEntry entry : digest.entries()) {
            xml.writeStartElement(SDataXml.SYNC, "digestEntry");
            SyncFeed.text(xml, SDataXml.SYNC, "endpoint", entry.endpoint());
            SyncFeed.text(xml, SDataXml.SYNC, "tick", Long.toString(entry.tick()));
            SyncFeed.text(xml, SDataXml.SYNC, "stamp", SyncFeed.format(entry.stamp()));
            SyncFeed.text(xml, SDataXml.SYNC, "conflictPriority", Integer.toString(entry.conflictPriority()));
            xml.writeEndElement();
        }
    }

    /** The digest as the document {@code $syncDigest} answers. */
    public static byte[] document(Digest digest) {
        return SDataXml.document(SDataXml.SYNC, "digest", null, xml -> content(xml, digest));
    }

    /** The digest as the Atom entry posted to {@code $syncSource}. */
    public static byte[] entry(Digest digest, String digestUrl) {
        return SDataXml.document(SDataXml.ATOM, "entry", null, xml -> {
            SyncFeed.text(xml, SDataXml.ATOM, "id", digestUrl);
            SyncFeed.text(xml, SDataXml.ATOM, "title", "Synchronization digest");
            SyncFeed.text(xml, SDataXml.ATOM, "updated", SyncFeed.format(java.time.Instant.now()));
            xml.writeStartElement(SDataXml.SDATA, "payload");
            write(xml, digest);
            xml.writeEndElement();
        });
    }
}
