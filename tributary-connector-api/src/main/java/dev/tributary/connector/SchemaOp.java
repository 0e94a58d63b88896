package dev.tributary.connector;

/** Describes the object classes, fields and relations of the external system. */
public interface SchemaOp {

    Schema schema();
}
