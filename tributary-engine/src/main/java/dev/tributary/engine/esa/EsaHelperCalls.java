package dev.tributary.engine.esa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.engine.Definitions;
import dev.tributary.engine.RangeBisection;
import dev.tributary.engine.SyncEngine;
import dev.tributary.esa.EsaClient;
import dev.tributary.esa.EsaFault;
import dev.tributary.esa.EsaMessage;
import dev.tributary.esa.EsaProtocolException;
import dev.tributary.esa.EsaTime;
import dev.tributary.esa.XmlNode;
import dev.tributary.store.EsaSystems;
import dev.tributary.store.IdMapping;
import dev.tributary.store.RunRecord;
import dev.tributary.store.Store;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Helper API's calls, as the hub answers an External System Adapter (isKnownID, getParameter,
 * enumerateKnownIDs, trackRecordDeletion, detectDeleted, startSync), without HTTP: the server's
 * route authenticates the adapter and hands the call here.
 */
public final class EsaHelperCalls {

    private static final Duration WAIT_LIMIT = Duration.ofMinutes(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;
    private final SyncEngine engine;

    public EsaHelperCalls(Store store, SyncEngine engine) {
        this.store = store;
        this.engine = engine;
    }

    /** Answers one Helper API call of an authenticated adapter; an {@link EsaFault} for a call it refuses. */
    public List<XmlNode> handle(EsaSystems.EsaSystem system, XmlNode call) {
        return switch (call.name()) {
            case "isKnownID" -> {
                String id = call.required("id");
                boolean known = mappings(system, call.required("structure")).stream().anyMatch(m -> m.uid().equals(id));
                yield List.of(XmlNode.text("value", Boolean.toString(known)));
            }
            case "getParameter" -> parameter(system, call.required("name"));
            case "enumerateKnownIDs" -> {
                Instant before = call.textOf("known-before").map(EsaTime::parse).orElse(null);
                yield mappings(system, call.required("structure")).stream()
                        .filter(m -> before == null || m.syncedAt().isBefore(before)).map(IdMapping::uid).distinct()
                        .map(uid -> XmlNode.text("id", uid)).toList();
            }
            case "trackRecordDeletion" -> {
                engine.reportDeletions(system.endpoint(), call.required("structure"), List.of(call.required("id")));
                yield List.of();
            }
            case "detectDeleted" -> detectDeleted(system, call.required("structure"))
                    .stream().map(uid -> XmlNode.text("id", uid)).toList();
            case "startSync" -> startSync(system, call);
            default -> throw new EsaProtocolException("unknown Helper API call <" + call.name() + ">");
        };
    }

    /** The id mappings of every link of the system's endpoint for that structure. */
    private List<IdMapping> mappings(EsaSystems.EsaSystem system, String structure) {
        List<IdMapping> all = new ArrayList<>();
        for (Definitions.Link link : engine.links()) {
            if (link.endpoint().equals(system.endpoint()) && link.objectClass().name().equals(structure)) {
                all.addAll(store.links().mappings(link.name()));
            }
        }
        return all;
    }

    private List<XmlNode> parameter(EsaSystems.EsaSystem system, String name) {
        JsonNode values = read(system.parameters()).get(name);
        if (values != null && values.isArray() && !values.isEmpty()) {
            List<XmlNode> out = new ArrayList<>();
            values.forEach(v -> out.add(XmlNode.text("value", v.asText())));
            return out;
        }
        for (JsonNode parameter : read(system.parametersMeta())) {
            if (parameter.path("name").asText().equals(name)) {
                List<XmlNode> out = new ArrayList<>();
                parameter.path("defaults").forEach(v -> out.add(XmlNode.text("value", v.asText())));
                return out;
            }
        }
        throw EsaFault.failed("the adapter has no parameter '" + name + "'");
    }

    /**
     * The known ids of the structure that the adapter no longer has, found by counting ranges
     * with its countRange: a range with fewer records than known ids is split, one that is
     * complete is done.
     */
    public List<String> detectDeleted(EsaSystems.EsaSystem system, String structure) {
        List<Long> known = new ArrayList<>();
        for (IdMapping mapping : mappings(system, structure)) {
            try {
                known.add(Long.parseLong(mapping.uid()));
            } catch (NumberFormatException e) {
                throw EsaFault.failed("detectDeleted needs whole-number ids; '" + mapping.uid() + "' is not one");
            }
        }
        known = known.stream().distinct().sorted().toList();
        Definitions.Endpoint endpoint = engine.endpoint(system.endpoint()).orElseThrow();
        Object token = endpoint.config().get("token");
        EsaClient client = new EsaClient(java.net.URI.create(endpoint.config().get("url").toString()),
                token == null ? null : token.toString(), Duration.ofSeconds(30), EsaMessage.DEFAULT_MAX_BYTES);
        return RangeBisection.missing(known, (min, max) -> Long.parseLong(client.callEsa(XmlNode.of("countRange",
                XmlNode.text("structure", structure), XmlNode.text("min-id", Long.toString(min)),
                XmlNode.text("max-id", Long.toString(max)))).required("value").strip())).stream()
                .map(String::valueOf).toList();
    }

    private List<XmlNode> startSync(EsaSystems.EsaSystem system, XmlNode call) {
        boolean wait = call.textOf("wait-for-completion").map(v -> v.strip().equals("true"))
                .orElse(call.attribute("asynchronous").map(v -> !v.strip().equals("true")).orElse(false));
        List<RunRecord> runs;
        try {
            runs = engine.trigger(system.endpoint());
        } catch (RuntimeException e) {
            throw EsaFault.failed(e.getMessage());
        }
        List<XmlNode> out = new ArrayList<>();
        String outcome = "started";
        List<XmlNode> runNodes = new ArrayList<>();
        for (RunRecord run : runs) {
            RunRecord shown = run;
            if (wait) {
                try {
                    shown = engine.await(run.id(), WAIT_LIMIT);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw EsaFault.failed("interrupted while waiting for run " + run.id());
                }
                if (!"succeeded".equals(shown.state())) {
                    outcome = "failed";
                } else if (!"failed".equals(outcome)) {
                    outcome = "succeeded";
                }
            }
            XmlNode node = XmlNode.text("run", "").with("id", shown.id()).with("link", shown.link())
                    .with("state", shown.state());
            runNodes.add(shown.error() == null ? node : node.with("error", shown.error().length() > 4000
                    ? shown.error().substring(0, 4000) : shown.error()));
        }
        out.add(XmlNode.text("value", runs.isEmpty() ? "no links" : outcome));
        out.addAll(runNodes);
        return out;
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("stored JSON is unreadable: " + e.getMessage(), e);
        }
    }
}
