package dev.tributary.sdata;

/**
 * The state of an asynchronous operation while it runs (SData core 11.5): answered with 202 and
 * the operation's {@code Location}.
 */
public record Tracking(String phase, String phaseDetail, double progress, long elapsedSeconds, long remainingSeconds,
        long pollingMillis) {

    public byte[] write() {
        return SDataXml.document(SDataXml.SDATA, "tracking", null, xml -> {
            SyncFeed.text(xml, SDataXml.SDATA, "phase", phase);
            SyncFeed.text(xml, SDataXml.SDATA, "phaseDetail", phaseDetail);
            SyncFeed.text(xml, SDataXml.SDATA, "progress", Double.toString(progress));
            SyncFeed.text(xml, SDataXml.SDATA, "elapsedSeconds", Long.toString(elapsedSeconds));
            SyncFeed.text(xml, SDataXml.SDATA, "remainingSeconds", Long.toString(remainingSeconds));
            SyncFeed.text(xml, SDataXml.SDATA, "pollingMillis", Long.toString(pollingMillis));
        });
    }

    /** Reads a tracking document, in the SData namespace or (as some clients write it) the sync one. */
    public static Tracking read(XmlElement root) {
        if (!"tracking".equals(root.name())) {
            throw SDataException.badRequest("expected <tracking>, not <" + root.name() + ">");
        }
        String ns = root.namespace();
        if (!SDataXml.SDATA.equals(ns) && !SDataXml.SYNC.equals(ns)) {
            throw SDataException.badRequest("<tracking> in an unknown namespace: " + ns);
        }
        String polling = SDataXml.text(root.child(ns, "pollingMillis"));
        String progress = SDataXml.text(root.child(ns, "progress"));
        try {
            return new Tracking(SDataXml.text(root.child(ns, "phase")),
                    SDataXml.text(root.child(ns, "phaseDetail")),
                    progress == null || progress.isEmpty() ? 0 : Double.parseDouble(progress), 0, 0,
                    polling == null || polling.isEmpty() ? 500 : Long.parseLong(polling));
        } catch (NumberFormatException e) {
            throw SDataException.badRequest("bad number in <tracking>: " + e.getMessage());
        }
    }
}
