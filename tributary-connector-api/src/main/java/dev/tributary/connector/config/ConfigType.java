package dev.tributary.connector.config;

/** The type of a setting. Values may be given as their type or as text, which is parsed. */
public enum ConfigType {
    /** Text. */
    STRING,
    /** A whole number that fits an {@code int}. */
    INT,
    /** A whole number that fits a {@code long}. */
    LONG,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** An ISO-8601 duration such as {@code PT30S}. */
    DURATION,
    /** A list of texts; text is split at commas. */
    LIST
}
