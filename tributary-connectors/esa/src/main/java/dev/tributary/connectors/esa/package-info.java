/**
 * The ESA connector: the hub drives an External System Adapter — a small program next to an
 * external system, in any language — over the ESA protocol (see {@code docs/esa.md} and the
 * schema in {@code docs/esa/esa-protocol.xsd}).
 */
package dev.tributary.connectors.esa;
