package dev.tributary.connector.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Settings validated against a {@link ConfigDef}: every declared setting with a value (given or
 * default) is present with its declared type. {@link #toString()} hides secrets.
 */
public final class ConnectorConfig {

    private final Map<String, Object> values;

    ConnectorConfig(Map<String, Object> values) {
        this.values = values;
    }

    /** Settings for tests and tools, without validation. */
    public static ConnectorConfig unvalidated(Map<String, Object> values) {
        return new ConnectorConfig(Map.copyOf(values));
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String getString(String name) {
        return (String) values.get(name);
    }

    public Integer getInt(String name) {
        return (Integer) values.get(name);
    }

    public Long getLong(String name) {
        return (Long) values.get(name);
    }

    public Boolean getBoolean(String name) {
        return (Boolean) values.get(name);
    }

    public Duration getDuration(String name) {
        return (Duration) values.get(name);
    }

    @SuppressWarnings("unchecked")
    public List<String> getList(String name) {
        return (List<String>) values.get(name);
    }

    public Secret getSecret(String name) {
        return (Secret) values.get(name);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
