package dev.tributary.sdata;

/** The body of a refused SData request: an {@code sdata:diagnosis} (SData core 3.11). */
public final class Diagnosis {

    private Diagnosis() {
    }

    public static byte[] document(int status, String message) {
        String code = switch (status) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 413 -> "RequestEntityTooLarge";
            default -> status >= 500 ? "ApplicationDiagnosis" : "BadRequest";
        };
        return SDataXml.document(SDataXml.SDATA, "diagnoses", null, xml -> {
            xml.writeStartElement(SDataXml.SDATA, "diagnosis");
            SyncFeed.text(xml, SDataXml.SDATA, "severity", status >= 500 ? "fatal" : "error");
            SyncFeed.text(xml, SDataXml.SDATA, "sdataCode", code);
            SyncFeed.text(xml, SDataXml.SDATA, "message", message);
            xml.writeEndElement();
        });
    }
}
