package dev.tributary.sdata;

import org.w3c.dom.Element;

/**
 * The state of an asynchronous operation while it runs (SData core 11.5): answered with 202 and
 * the operation's {@code Location}.
 */
public record Tracking(String phase, String phaseDetail, double progress, long elapsedSeconds, long remainingSeconds,
        long pollingMillis) {

    public byte[] write() {
        return Digests.render(xml -> {
            xml.writeStartElement(SDataXml.SDATA, "tracking");
            SyncFeed.text(xml, SDataXml.SDATA, "phase", phase);
            SyncFeed.text(xml, SDataXml.SDATA, "phaseDetail", phaseDetail);
            SyncFeed.text(xml, SDataXml.SDATA, "progress", Double.toString(progress));
            SyncFeed.text(xml, SDataXml.SDATA, "elapsedSeconds", Long.toString(elapsedSeconds));
            SyncFeed.text(xml, SDataXml.SDATA, "remainingSeconds", Long.toString(remainingSeconds));
            SyncFeed.text(xml, SDataXml.SDATA, "pollingMillis", Long.toString(pollingMillis));
            xml.writeEndElement();
        });
    }

    /** Reads a tracking document, in the SData namespace or (as some clients write it) the sync one. */
    public static Tracking read(Element root) {
        if (!"tracking".equals(root.getLocalName())) {
            throw SDataException.badRequest("expected <tracking>, not <" + root.getLocalName() + ">");
        }
        String ns = root.getNamespaceURI();
        if (!SDataXml.SDATA.equals(ns) && !SDataXml.SYNC.equals(ns)) {
            throw SDataException.badRequest("<tracking> in an unknown namespace: " + ns);
        }
        String polling = SDataXml.text(SDataXml.child(root, ns, "pollingMillis"));
        String progress = SDataXml.text(SDataXml.child(root, ns, "progress"));
        try {
            return new Tracking(SDataXml.text(SDataXml.child(root, ns, "phase")),
                    SDataXml.text(SDataXml.child(root, ns, "phaseDetail")),
                    progress == null || progress.isEmpty() ? 0 : Double.parseDouble(progress), 0, 0,
                    polling == null || polling.isEmpty() ? 500 : Long.parseLong(polling));
        } catch (NumberFormatException e) {
            throw SDataException.badRequest("bad number in <tracking>: " + e.getMessage());
        }
    }
}
