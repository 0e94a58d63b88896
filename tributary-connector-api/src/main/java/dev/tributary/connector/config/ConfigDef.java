package dev.tributary.connector.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The settings a connector takes, declared once (in the manner of Kafka's {@code ConfigDef}) and
 * validated all at once: {@link #validate} reports every problem — missing, unknown, malformed,
 * out of range — not just the first.
 *
 * <pre>{@code
 * ConfigDef def = new ConfigDef()
 *     .required("url", ConfigType.STRING, "JDBC URL of the database")
 *     .secret("password", false, "the database password")
 *     .withDefault("batchSize", ConfigType.INT, 500, "rows per batch", ConfigDef.range(1, 10_000));
 * }</pre>
 */
public final class ConfigDef {

    private final Map<String, ConfigKey> keys = new LinkedHashMap<>();
    private final List<Function<ConnectorConfig, List<String>>> crossChecks = new ArrayList<>();

    /** A setting that must be given. */
    public ConfigDef required(String name, ConfigType type, String description) {
        return add(new ConfigKey(name, type, true, false, null, description, null));
    }

    /** A setting that must be given, with an extra check. */
    public ConfigDef required(String name, ConfigType type, String description, Function<Object, String> check) {
        return add(new ConfigKey(name, type, true, false, null, description, check));
    }

    /** A setting that may be left out (and then has no value). */
    public ConfigDef optional(String name, ConfigType type, String description) {
        return add(new ConfigKey(name, type, false, false, null, description, null));
    }

    /** A setting that may be left out, with an extra check of a given value. */
    public ConfigDef optional(String name, ConfigType type, String description, Function<Object, String> check) {
        return add(new ConfigKey(name, type, false, false, null, description, check));
    }

    /** A setting with a default. */
    public ConfigDef withDefault(String name, ConfigType type, Object defaultValue, String description) {
        return add(new ConfigKey(name, type, false, false, defaultValue, description, null));
    }

    /** A setting with a default and an extra check. */
    public ConfigDef withDefault(String name, ConfigType type, Object defaultValue, String description,
            Function<Object, String> check) {
        return add(new ConfigKey(name, type, false, false, defaultValue, description, check));
    }

    /** A secret text setting. */
    public ConfigDef secret(String name, boolean required, String description) {
        return add(new ConfigKey(name, ConfigType.STRING, required, true, null, description, null));
    }

    /** Adds a fully described setting. */
    public ConfigDef add(ConfigKey key) {
        if (keys.containsKey(key.name())) {
            throw new IllegalArgumentException("setting '" + key.name() + "' is declared twice");
        }
        if (key.defaultValue() != null) {
            Object parsed = parse(key, key.defaultValue(), new ArrayList<>());
            if (parsed == null) {
                throw new IllegalArgumentException("the default of '" + key.name() + "' is not a " + key.type());
            }
        }
        keys.put(key.name(), key);
        return this;
    }

    /**
     * Adds a check across settings (say, one setting required only when another has some value).
     * It sees the settings that parsed (others are absent) and returns its problems, each naming
     * the settings it is about in quotes.
     */
    public ConfigDef crossCheck(Function<ConnectorConfig, List<String>> check) {
        crossChecks.add(check);
        return this;
    }

    /** The declared settings, in declaration order. */
    public List<ConfigKey> keys() {
        return List.copyOf(keys.values());
    }

    /**
     * Checks raw settings against the declaration.
     *
     * @return the validated settings
     * @throws dev.tributary.connector.InvalidConfigurationException listing every problem
     */
    public ConnectorConfig validate(Map<String, ?> raw) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, ?> given = raw == null ? Map.of() : raw;
        for (String name : given.keySet()) {
            if (!keys.containsKey(name)) {
                problems.add("unknown setting '" + name + "'" + suggestion(name));
            }
        }
        for (ConfigKey key : keys.values()) {
            Object value = given.get(key.name());
            if (value == null || (value instanceof String s && s.isBlank())) {
                if (key.defaultValue() != null) {
                    values.put(key.name(), parse(key, key.defaultValue(), problems));
                } else if (key.required()) {
                    problems.add("'" + key.name() + "' is required: " + key.description());
                }
                continue;
            }
            Object parsed = parse(key, value, problems);
            if (parsed == null) {
                continue;
            }
            if (key.check() != null) {
                String problem = key.check().apply(parsed);
                if (problem != null) {
                    problems.add("'" + key.name() + "' " + problem);
                    continue;
                }
            }
            values.put(key.name(), key.secret() ? new Secret(parsed.toString()) : parsed);
        }
        ConnectorConfig config = new ConnectorConfig(Collections.unmodifiableMap(values));
        for (Function<ConnectorConfig, List<String>> check : crossChecks) {
            problems.addAll(check.apply(config));
        }
        if (!problems.isEmpty()) {
            throw new dev.tributary.connector.InvalidConfigurationException(problems);
        }
        return config;
    }

    private String suggestion(String name) {
        for (String known : keys.keySet()) {
            if (known.equalsIgnoreCase(name)) {
                return " (did you mean '" + known + "'?)";
            }
        }
        return "; known settings: " + String.join(", ", keys.keySet());
    }

    private static Object parse(ConfigKey key, Object value, List<String> problems) {
        String shown = key.secret() ? "the given value" : "'" + value + "'";
        try {
            switch (key.type()) {
                case STRING:
                    if (value instanceof String s) {
                        return s;
                    }
                    break;
                case INT:
                    if (value instanceof Integer i) {
                        return i;
                    }
                    if (value instanceof Long l && l == l.intValue()) {
                        return l.intValue();
                    }
                    if (value instanceof String s) {
                        return Integer.parseInt(s.strip());
                    }
                    break;
                case LONG:
                    if (value instanceof Integer || value instanceof Long) {
                        return ((Number) value).longValue();
                    }
                    if (value instanceof String s) {
                        return Long.parseLong(s.strip());
                    }
                    break;
                case BOOLEAN:
                    if (value instanceof Boolean b) {
                        return b;
                    }
                    if (value instanceof String s && (s.strip().equalsIgnoreCase("true") || s.strip().equalsIgnoreCase("false"))) {
                        return Boolean.parseBoolean(s.strip());
                    }
                    break;
                case DURATION:
                    if (value instanceof Duration d) {
                        return d;
                    }
                    if (value instanceof String s) {
                        return Duration.parse(s.strip());
                    }
                    break;
                case LIST:
                    if (value instanceof List<?> list) {
                        List<String> items = new ArrayList<>();
                        for (Object item : list) {
                            if (!(item instanceof String s)) {
                                problems.add("'" + key.name() + "' must be a list of texts");
                                return null;
                            }
                            items.add(s.strip());
                        }
                        return List.copyOf(items);
                    }
                    if (value instanceof String s) {
                        return Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
                    }
                    break;
                default:
                    break;
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            problems.add("'" + key.name() + "' must be " + article(key.type()) + ", not " + shown);
            return null;
        }
        problems.add("'" + key.name() + "' must be " + article(key.type()) + ", not " + shown);
        return null;
    }

    private static String article(ConfigType type) {
        return switch (type) {
            case STRING -> "a text";
            case INT, LONG -> "a whole number";
            case BOOLEAN -> "true or false";
            case DURATION -> "an ISO-8601 duration such as PT30S";
            case LIST -> "a comma-separated list";
        };
    }

    /** A check that a number lies in {@code [min, max]}. */
    public static Function<Object, String> range(long min, long max) {
        return value -> {
            long n = ((Number) value).longValue();
            return n < min || n > max ? "must be from " + min + " to " + max + ", not " + n : null;
        };
    }

    /** A check that a text is one of {@code allowed}. */
    public static Function<Object, String> oneOf(String... allowed) {
        List<String> options = List.of(allowed);
        return value -> options.contains(value) ? null
                : "must be one of " + String.join(", ", options) + ", not '" + value + "'";
    }
}
