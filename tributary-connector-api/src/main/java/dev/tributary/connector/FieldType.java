package dev.tributary.connector;

/** The type of a field's values. */
public enum FieldType {
    STRING, INTEGER, DECIMAL, BOOLEAN, TIMESTAMP, DATE, BINARY, JSON
}
