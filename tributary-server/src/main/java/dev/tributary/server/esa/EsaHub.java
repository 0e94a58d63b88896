package dev.tributary.server.esa;

import dev.tributary.engine.esa.EsaConfiguration;
import dev.tributary.engine.esa.EsaHelperCalls;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.connector.config.Secret;
import dev.tributary.engine.SyncEngine;
import dev.tributary.esa.EsaFault;
import dev.tributary.esa.EsaMessage;
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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        this.configuration = new EsaConfiguration(store, engine, baseUrl);
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

    /** The configure handshake with the adapter (see {@link EsaConfiguration}). */
    private final EsaConfiguration configuration;

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
        EsaConfiguration.Configured configured;
        try {
            configured = configuration.configure(endpoint, definition, exists);
        } catch (EsaConfiguration.AdapterException e) {
            throw e.conflict() ? ApiException.conflict(e.getMessage()) : ApiException.badGateway(e.getMessage());
        }
        return () -> configuration.commit(configured);
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
