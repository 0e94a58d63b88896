package dev.tributary.connector.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * One declared setting.
 *
 * @param name its name
 * @param type its type
 * @param required whether it must be given (a default makes that moot)
 * @param secret whether its value is secret: held as a {@link Secret}, never shown or logged
 * @param defaultValue its value when not given, or null
 * @param description what it means, for people
 * @param check an extra check of a parsed value: returns a problem or null; may be null
 */
public record ConfigKey(String name, ConfigType type, boolean required, boolean secret, Object defaultValue,
        String description, Function<Object, String> check) {

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
    }
}
