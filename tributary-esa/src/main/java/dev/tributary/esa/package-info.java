/**
 * The Agiloft ESA (external system adapter) protocol: its XML messages, records, structures, faults
 * and times, and {@link dev.tributary.esa.EsaClient}, the hub's side of the conversation with a
 * remote adapter over XML/HTTP. Needs only the JDK; XML parsing has external entities disabled.
 */
package dev.tributary.esa;
