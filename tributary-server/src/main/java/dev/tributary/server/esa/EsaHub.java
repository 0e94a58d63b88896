package dev.tributary.server.esa;

import dev.tributary.engine.esa.EsaHelperCalls;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.connector.config.Secret;
import dev.tributary.engine.Definitions;
import dev.tributary.engine.RunMode;
import dev.tributary.engine.SyncEngine;
import dev.tributary.esa.EsaClient;
import dev.tributary.esa.EsaFault;
import dev.tributary.esa.EsaMessage;
import dev.tributary.esa.EsaParameter;
import dev.tributary.esa.EsaProtocolException;
import dev.tributary.esa.XmlNode;
import dev.tributary.server.ApiException;
import dev.tributary.server.EndpointHooks;
import dev.tributary.server.Json;
import dev.tributary.server.auth.Authenticator;
import dev.tributary.server.auth.Scope;
import dev.tributary.store.EsaSystems;
import dev.tributary.store.Store;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's side of External System Adapters.
 *
 * <p>Implementation notes.
 * <ul>
 * <li><b>Configure.</b> When an endpoint of type {@code esa} is created (or changed: then with
 * {@code force}), {@link #configure} calls the adapter's {@code configure} with the external
 * system id (the endpoint's name unless its config names one), the Helper API's URL and a new
 * secret; stores the secret's hash, the answer, the adapter's parameter descriptions and its run
 * modes; and narrows the endpoint's allowed run modes to those the adapter allows. An adapter
 * that cannot be reached leaves nothing stored.</li>
 * <li><b>Parameters</b> are set through the admin API, checked against the adapter's
 * descriptions (names, types, allowed values, required), and served back by
 * {@code getParameter}; secrets are never shown.</li>
 * <li><b>Helper API.</b> {@code POST /esa/helper} takes one {@code <api-call>}, authenticated by
 * {@code Authorization: Bearer <secret>} for the external system id the call names. Every
 * message is size-limited and validated before anything is done; a refused one changes
 * nothing.</li>
 * </ul>
 */
public final class EsaHub implements EndpointHooks {

    private static final Logger LOG = LoggerFactory.getLogger(EsaHub.class);
    public static final String CONNECTOR = "esa";
    private static final int MAX_HELPER_BYTES = 1024 * 1024;

    private final Store store;
    private final SyncEngine engine;
    private final Supplier<String> baseUrl;

    private final EsaHelperCalls calls;

    public EsaHub(Store store, SyncEngine engine, Supplier<String> baseUrl) {
        this.calls = new EsaHelperCalls(store, engine);
        this.store = store;
        this.engine = engine;
        this.baseUrl = baseUrl;
    }

    public void register(JavalinConfig config) {
        config.routes.post("/esa/helper", this::helper);
        config.routes.get("/v1/endpoints/{e}/esa", this::describe);
        config.routes.put("/v1/endpoints/{e}/esa/parameters", this::putParameters);
    }

    // ---- configure

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
            throw ApiException.badGateway("cannot configure the adapter at " + url + ": " + e.getMessage());
        }
        if (!configuredAs.equals(systemId)) {
            throw ApiException.conflict("the adapter at " + url + " is already configured as external system '"
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

    /** Forgets the adapter of a deleted endpoint. */
    @Override
    public void deleted(String endpoint) {
        store.esaSystems().delete(endpoint);
    }

    /** An ESA endpoint's adapter is configured before the endpoint is stored, and remembered after. */
    @Override
    public Runnable beforeSave(String endpoint, ObjectNode definition, boolean exists) {
        if (!CONNECTOR.equals(definition.path("connector").asText())) {
            return null;
        }
        Configured configured = configure(endpoint, definition, exists);
        return () -> commit(configured);
    }

    private static EsaClient client(String url, String token) {
        return new EsaClient(URI.create(url), token, Duration.ofSeconds(30), EsaMessage.DEFAULT_MAX_BYTES);
    }

    private static String metaJson(List<EsaParameter> meta) {
        ArrayNode array = Json.MAPPER.createArrayNode();
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

    // ---- admin: parameters

    private EsaSystems.EsaSystem system(Context ctx) {
        Authenticator.principal(ctx).require(Scope.ADMIN);
        String endpoint = ctx.pathParam("e");
        return store.esaSystems().byEndpoint(endpoint)
                .orElseThrow(() -> ApiException.notFound("endpoint '" + endpoint + "' has no configured adapter"));
    }

    private void describe(Context ctx) {
        EsaSystems.EsaSystem system = system(ctx);
        ObjectNode body = Json.MAPPER.createObjectNode().put("kind", "tributary#esaSystem")
                .put("endpoint", system.endpoint()).put("externalSystemId", system.externalSystemId())
                .put("runModes", system.runModes());
        JsonNode meta = read(system.parametersMeta());
        body.set("parametersMeta", meta);
        ObjectNode values = (ObjectNode) read(system.parameters());
        for (JsonNode parameter : meta) {
            if ("secret".equals(parameter.path("type").asText()) && values.has(parameter.path("name").asText())) {
                values.put(parameter.path("name").asText(), Secret.MASK);
            }
        }
        body.set("parameters", values);
        Json.respond(ctx, 200, json -> Json.MAPPER.writeTree(json, body));
    }

    private void putParameters(Context ctx) {
        EsaSystems.EsaSystem system = system(ctx);
        ObjectNode given = Json.readObject(Json.readBody(ctx, 1024 * 1024));
        JsonNode meta = read(system.parametersMeta());
        List<String> problems = new ArrayList<>();
        ObjectNode values = Json.MAPPER.createObjectNode();
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        meta.forEach(p -> byName.put(p.path("name").asText(), p));
        for (Iterator<String> names = given.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!byName.containsKey(name)) {
                problems.add("the adapter has no parameter '" + name + "'; it has " + byName.keySet());
            }
        }
        for (JsonNode parameter : meta) {
            String name = parameter.path("name").asText();
            JsonNode value = given.get(name);
            if (value == null || value.isNull()) {
                if (parameter.path("required").asBoolean() && parameter.path("defaults").isEmpty()) {
                    problems.add("'" + name + "' is required");
                }
                continue;
            }
            if ("secret".equals(parameter.path("type").asText()) && Secret.MASK.equals(value.asText())) {
                // The mask that describe shows: keep the stored secret.
                JsonNode kept = read(system.parameters()).get(name);
                if (kept == null) {
                    problems.add("'" + name + "' has no stored secret to keep; send the secret itself");
                } else {
                    values.set(name, kept);
                }
                continue;
            }
            List<JsonNode> items = new ArrayList<>();
            if (value.isArray()) {
                // A list of one is one value (GET shows every value as a list, so what it shows can be sent back).
                if (!parameter.path("multiValued").asBoolean() && value.size() != 1) {
                    problems.add("'" + name + "' takes one value");
                    continue;
                }
                value.forEach(items::add);
            } else {
                items.add(value);
            }
            ArrayNode stored = values.putArray(name);
            for (JsonNode item : items) {
                String problem = check(parameter, item);
                if (problem != null) {
                    problems.add("'" + name + "' " + problem);
                } else {
                    stored.add(item.asText());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ApiException(400, "invalidParameters", "the parameters do not fit the adapter's description",
                    problems);
        }
        store.esaSystems().setParameters(system.endpoint(), values.toString());
        describe(ctx);
    }

    private static String check(JsonNode parameter, JsonNode value) {
        String type = parameter.path("type").asText();
        String text = value.asText();
        switch (type) {
            case "integer" -> {
                if (!text.matches("-?\\d{1,18}")) {
                    return "must be a whole number, not '" + text + "'";
                }
            }
            case "boolean" -> {
                if (!text.equals("true") && !text.equals("false")) {
                    return "must be true or false, not '" + text + "'";
                }
            }
            default -> {
                if (!value.isValueNode()) {
                    return "must be text";
                }
            }
        }
        JsonNode allowed = parameter.path("allowed");
        if (allowed.isArray() && !allowed.isEmpty()) {
            for (JsonNode a : allowed) {
                if (a.asText().equals(text)) {
                    return null;
                }
            }
            return "must be one of " + allowed + ", not '" + text + "'";
        }
        return text.length() > 4000 ? "is longer than 4000 characters" : null;
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("stored JSON is unreadable: " + e.getMessage(), e);
        }
    }

    // ---- the Helper API

    private void helper(Context ctx) {
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            body = in.readNBytes(MAX_HELPER_BYTES + 1);
        } catch (IOException e) {
            throw ApiException.badRequest("cannot read the message: " + e.getMessage());
        }
        EsaMessage call;
        try {
            call = EsaMessage.parse(body, MAX_HELPER_BYTES);
            if (call.kind() != EsaMessage.Kind.API_CALL) {
                throw new EsaProtocolException("the Helper API takes <api-call> messages, not <" + call.kind().element() + ">");
            }
        } catch (EsaProtocolException e) {
            answer(ctx, 400, EsaMessage.fault("unknown", new EsaFault(EsaFault.Type.PROTOCOL, e.getMessage(), null, null)));
            return;
        }
        String systemId = call.body().required("external-system-id");
        String header = ctx.header("Authorization");
        String secret = header != null && header.startsWith("Bearer ") ? header.substring(7).strip() : null;
        EsaSystems.EsaSystem system = store.esaSystems().authenticate(systemId, secret).orElse(null);
        if (system == null) {
            answer(ctx, 401, EsaMessage.fault(call.id(), new EsaFault(EsaFault.Type.AUTHENTICATION,
                    "unknown external system id, or not its secret", null, null)));
            return;
        }
        EsaMessage answer;
        try {
            answer = EsaMessage.result(call.id(), handle(system, call.body()));
        } catch (EsaFault fault) {
            answer = EsaMessage.fault(call.id(), fault);
        } catch (ApiException e) {
            answer = EsaMessage.fault(call.id(), EsaFault.failed(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("Helper API call {} from {} failed", call.callName(), systemId, e);
            answer = EsaMessage.fault(call.id(), EsaFault.failed(call.callName() + " failed: " + e.getMessage()));
        }
        answer(ctx, 200, answer);
    }

    private static void answer(Context ctx, int status, EsaMessage message) {
        ctx.status(status).contentType("application/xml; charset=UTF-8").result(message.write());
    }

    private List<XmlNode> handle(EsaSystems.EsaSystem system, XmlNode call) {
        return calls.handle(system, call);
    }
}
