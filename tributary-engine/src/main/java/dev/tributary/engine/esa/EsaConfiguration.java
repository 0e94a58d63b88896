package dev.tributary.engine.esa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.engine.Definitions;
import dev.tributary.engine.RunMode;
import dev.tributary.engine.SyncEngine;
import dev.tributary.esa.EsaClient;
import dev.tributary.esa.EsaFault;
import dev.tributary.esa.EsaMessage;
import dev.tributary.esa.EsaParameter;
import dev.tributary.esa.EsaProtocolException;
import dev.tributary.esa.XmlNode;
import dev.tributary.store.EsaSystems;
import dev.tributary.store.Store;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configure handshake with an External System Adapter, without HTTP routes: before an ESA
 * endpoint is stored, its adapter is configured (a new Helper API secret, the hub's Helper URL)
 * and asked for its run modes and parameters; what it answered is stored once the endpoint is.
 */
public final class EsaConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(EsaConfiguration.class);

    /** An adapter that cannot be configured: unreachable or failing ({@code conflict} false), or configured for another system. */
    public static final class AdapterException extends RuntimeException {
        private final boolean conflict;

        AdapterException(boolean conflict, String message) {
            super(message);
            this.conflict = conflict;
        }

        /** Whether the adapter is already configured as another external system (else: it could not be reached or failed). */
        public boolean conflict() {
            return conflict;
        }
    }

    private final Store store;
    private final SyncEngine engine;
    private final Supplier<String> baseUrl;

    public EsaConfiguration(Store store, SyncEngine engine, Supplier<String> baseUrl) {
        this.store = store;
        this.engine = engine;
        this.baseUrl = baseUrl;
    }

    /** What configuring an adapter learned, to be stored once the endpoint is. */
    public record Configured(String endpoint, String systemId, String secret, String configuredAs, int bits,
            String meta) {
    }

    /**
     * Configures the adapter an endpoint definition points at, before the definition is stored,
     * narrowing the definition's allowed run modes to the adapter's; answers what to
     * {@link #commit} once the endpoint is stored, or null when the definition has no adapter URL
     * (the engine's validation then says what is missing).
     */
    public Configured configure(String endpoint, ObjectNode body, boolean exists) {
        JsonNode config = body.get("config");
        if (config == null || !config.isObject() || !config.path("url").isTextual()) {
            return null;
        }
        ObjectNode settings = (ObjectNode) config;
        if (!settings.has("externalSystemId")) {
            settings.put("externalSystemId", endpoint);
        }
        String systemId = settings.get("externalSystemId").asText();
        String url = settings.get("url").asText();
        String token = settings.path("token").isTextual() ? settings.get("token").asText() : null;
        if (Definitions.MASK.equals(token)) {
            // A re-put shows the stored token masked; the engine keeps the stored one, and so do we.
            token = engine.endpoint(endpoint).map(e -> e.config().get("token")).map(Object::toString).orElse(null);
        }
        EsaClient client = client(url, token);
        String secret = EsaSystems.newSecret();
        String configuredAs;
        int bits;
        List<EsaParameter> meta;
        try {
            configuredAs = client.callEsa(XmlNode.of("configure", XmlNode.text("external-system-id", systemId),
                    XmlNode.text("force", Boolean.toString(exists)),
                    XmlNode.text("helper-url", baseUrl.get() + "/esa/helper"), XmlNode.text("helper-secret", secret)))
                    .textOf("value").orElse(systemId);
            bits = Integer.parseInt(client.callEsa(XmlNode.of("getAllowedRunModes")).required("value").strip());
            meta = client.callEsa(XmlNode.of("getParametersMeta")).all("esa-parameter").stream().map(EsaParameter::of)
                    .toList();
        } catch (EsaClient.TransportException | EsaProtocolException | EsaFault | NumberFormatException e) {
            throw new AdapterException(false, "cannot configure the adapter at " + url + ": " + e.getMessage());
        }
        if (!configuredAs.equals(systemId)) {
            throw new AdapterException(true, "the adapter at " + url + " is already configured as external system '"
                    + configuredAs + "'; use that externalSystemId, or re-configure it with force by changing the endpoint");
        }
        Set<RunMode> allowed = EnumSet.noneOf(RunMode.class);
        if ((bits & 1) != 0) {
            allowed.add(RunMode.MANUAL);
        }
        if ((bits & 2) != 0) {
            allowed.add(RunMode.SCHEDULED);
        }
        if ((bits & 4) != 0) {
            allowed.add(RunMode.EXTERNAL);
        }
        Set<String> requested = new java.util.TreeSet<>();
        if (body.path("allowedRunModes").isArray()) {
            body.get("allowedRunModes").forEach(m -> requested.add(m.asText()));
        } else {
            requested.addAll(List.of("manual", "scheduled", "external"));
        }
        ArrayNode modes = body.putArray("allowedRunModes");
        requested.stream().filter(m -> allowed.stream().anyMatch(a -> a.label().equals(m))).forEach(modes::add);
        return new Configured(endpoint, systemId, secret, configuredAs, bits, metaJson(meta));
    }

    /** Stores what {@link #configure} learned, once the endpoint itself is stored. */
    public void commit(Configured done) {
        if (done != null) {
            store.esaSystems().configure(done.endpoint(), done.systemId(), done.secret(), done.configuredAs(), done.bits(),
                    done.meta());
            LOG.info("configured the adapter of endpoint {} as external system {}", done.endpoint(), done.systemId());
        }
    }

    private static EsaClient client(String url, String token) {
        return new EsaClient(URI.create(url), token, Duration.ofSeconds(30), EsaMessage.DEFAULT_MAX_BYTES);
    }

    private static String metaJson(List<EsaParameter> meta) {
        ArrayNode array = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        for (EsaParameter p : meta) {
            ObjectNode node = array.addObject().put("name", p.name()).put("type", p.type()).put("required", p.required())
                    .put("multiValued", p.multiValued());
            if (p.label() != null) {
                node.put("label", p.label());
            }
            if (p.description() != null) {
                node.put("description", p.description());
            }
            ArrayNode allowed = node.putArray("allowed");
            p.allowed().forEach(allowed::add);
            ArrayNode defaults = node.putArray("defaults");
            p.defaults().forEach(defaults::add);
        }
        return array.toString();
    }
}
