package dev.tributary.esa.kit;

import dev.tributary.esa.EsaClient;
import dev.tributary.esa.EsaMessage;
import dev.tributary.esa.EsaTime;
import dev.tributary.esa.XmlNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The hub's Helper API, as an adapter calls it: every call names this adapter's external system
 * id and is authenticated by the secret the hub issued in {@code configure}.
 */
public final class HelperApi {

    /** One run the hub started on request. */
    public record Run(String id, String link, String state, String error) {
    }

    private final EsaClient client;
    private final URI uri;
    private final String externalSystemId;

    public HelperApi(URI uri, String externalSystemId, String secret) {
        this.uri = uri;
        this.client = new EsaClient(uri, secret, Duration.ofMinutes(5), EsaMessage.DEFAULT_MAX_BYTES);
        this.externalSystemId = externalSystemId;
    }

    public String externalSystemId() {
        return externalSystemId;
    }

    /** The Helper API's address, as the hub gave it. */
    public URI uri() {
        return uri;
    }

    /** Whether the hub has a record linked to this id of the structure. */
    public boolean isKnownId(String structure, String id) {
        return Boolean.parseBoolean(value(client.callHelper(XmlNode.of("isKnownID", system(),
                XmlNode.text("structure", structure), XmlNode.text("id", id)))));
    }

    /** A parameter's values as the hub stores them (defaults when unset). */
    public List<String> getParameter(String name) {
        return client.callHelper(XmlNode.of("getParameter", system(), XmlNode.text("name", name))).all("value").stream()
                .map(XmlNode::text).toList();
    }

    /** Ids of the structure the hub knew before that time (null: now). */
    public List<String> enumerateKnownIds(String structure, Instant knownBefore) {
        List<XmlNode> args = new ArrayList<>(List.of(system(), XmlNode.text("structure", structure)));
        if (knownBefore != null) {
            args.add(XmlNode.text("known-before", EsaTime.format(knownBefore)));
        }
        return ids(client.callHelper(XmlNode.of("enumerateKnownIDs", args)));
    }

    /** Tells the hub that a record was deleted; the next sync applies it. */
    public void trackRecordDeletion(String structure, Instant time, String id) {
        client.callHelper(XmlNode.of("trackRecordDeletion", system(), XmlNode.text("time", EsaTime.format(time)),
                XmlNode.text("structure", structure), XmlNode.text("id", id)));
    }

    /**
     * Asks the hub which known ids of the structure are gone; the hub finds them by counting id
     * ranges with this adapter's countRange.
     */
    public List<String> detectDeleted(String structure, Instant after) {
        List<XmlNode> args = new ArrayList<>(List.of(system(), XmlNode.text("structure", structure)));
        if (after != null) {
            args.add(XmlNode.text("after", EsaTime.format(after)));
        }
        return ids(client.callHelper(XmlNode.of("detectDeleted", args)));
    }

    /** Asks the hub to sync this external system now; with {@code wait}, answers when the runs ended. */
    public List<Run> startSync(boolean wait) {
        return client.callHelper(XmlNode.of("startSync", system(), XmlNode.text("wait-for-completion",
                Boolean.toString(wait)))).all("run").stream().map(r -> new Run(r.attribute("id").orElse(""),
                        r.attribute("link").orElse(""), r.attribute("state").orElse(""), r.attribute("error").orElse(null)))
                .toList();
    }

    private XmlNode system() {
        return XmlNode.text("external-system-id", externalSystemId);
    }

    private static String value(XmlNode result) {
        return result.textOf("value").orElse("");
    }

    private static List<String> ids(XmlNode result) {
        return result.all("id").stream().map(XmlNode::text).toList();
    }
}
