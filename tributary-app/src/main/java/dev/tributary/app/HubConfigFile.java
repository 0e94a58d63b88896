package dev.tributary.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tributary.engine.Definitions;
import dev.tributary.engine.InvalidDefinitionException;
import dev.tributary.engine.SyncEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hub's configuration file ({@code serve --config hub.yaml}): endpoints and links, declared
 * as in the admin API. {@code ${NAME}} in a value is replaced by the environment variable NAME,
 * so secrets stay out of the file. The whole file is checked first and every problem reported;
 * nothing is applied unless all of it is valid.
 *
 * <pre>
 * endpoints:
 *   crm:
 *     connector: jdbc
 *     config: {url: "jdbc:postgresql://db/crm", user: sync, password: "${CRM_PASSWORD}", tables: customers}
 * links:
 *   crm-customers:
 *     endpoint: crm
 *     objectClass: customers
 *     collection: customers
 *     conflictPolicy: hubWins
 *     schedule: PT5M
 * </pre>
 */
final class HubConfigFile {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private HubConfigFile() {
    }

    /** Reads, checks and applies a configuration file; returns what it declared, for people. */
    static String apply(Path file, SyncEngine engine, Function<String, String> environment) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the configuration " + file + ": " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the configuration " + file + " must be a mapping with endpoints and links");
        }
        root.fieldNames().forEachRemaining(name -> {
            if (!name.equals("endpoints") && !name.equals("links")) {
                problems.add("unknown section '" + name + "'; use endpoints and links");
            }
        });
        substitute(root, environment, problems, "");
        Map<String, JsonNode> endpointBodies = section(root, "endpoints", problems);
        Map<String, JsonNode> linkBodies = section(root, "links", problems);

        Map<String, Definitions.Endpoint> endpoints = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : endpointBodies.entrySet()) {
            try {
                Map<String, Object> previous = engine.endpoint(entry.getKey()).map(Definitions.Endpoint::config).orElse(null);
                endpoints.put(entry.getKey(), Definitions.endpoint(entry.getKey(), entry.getValue(), engine.registry(), previous));
            } catch (InvalidDefinitionException e) {
                e.problems().forEach(problem -> problems.add("endpoints." + entry.getKey() + ": " + problem));
            }
        }
        for (Map.Entry<String, JsonNode> entry : linkBodies.entrySet()) {
            try {
                Definitions.link(entry.getKey(), entry.getValue(), name -> endpoints.containsKey(name)
                        ? endpoints.get(name) : engine.endpoint(name).orElse(null), engine.registry());
            } catch (InvalidDefinitionException e) {
                e.problems().forEach(problem -> problems.add("links." + entry.getKey() + ": " + problem));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidDefinitionException("the configuration " + file, problems);
        }
        endpointBodies.forEach(engine::putEndpoint);
        linkBodies.forEach(engine::putLink);
        return endpointBodies.size() + " endpoint(s) and " + linkBodies.size() + " link(s) from " + file;
    }

    private static Map<String, JsonNode> section(JsonNode root, String name, List<String> problems) {
        Map<String, JsonNode> entries = new LinkedHashMap<>();
        JsonNode section = root.get(name);
        if (section == null || section.isNull()) {
            return entries;
        }
        if (!section.isObject()) {
            problems.add("'" + name + "' must map names to definitions");
            return entries;
        }
        section.fields().forEachRemaining(entry -> entries.put(entry.getKey(), entry.getValue()));
        return entries;
    }

    private static void substitute(JsonNode node, Function<String, String> environment, List<String> problems, String path) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (field.getValue().isTextual()) {
                    field.setValue(new TextNode(expand(field.getValue().textValue(), environment, problems, at)));
                } else {
                    substitute(field.getValue(), environment, problems, at);
                }
            }
        } else if (node != null && node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                if (node.get(i).isTextual()) {
                    ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i,
                            new TextNode(expand(node.get(i).textValue(), environment, problems, path + "[" + i + "]")));
                } else {
                    substitute(node.get(i), environment, problems, path + "[" + i + "]");
                }
            }
        }
    }

    private static String expand(String text, Function<String, String> environment, List<String> problems, String at) {
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = environment.apply(matcher.group(1));
            if (value == null) {
                problems.add(at + ": the environment variable " + matcher.group(1) + " is not set");
                value = "";
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
