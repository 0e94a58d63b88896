/**
 * The reference adapter ({@code tributary esa reference}): an ESA over a SQLite table, built on the
 * kit, used by the docs' walkthrough and by tests as a well-behaved adapter. It uses the ESA kit
 * and JDBC (SQLite); its module's test jar adds the faults tests need.
 */
package dev.tributary.esa.reference;
