/**
 * The adapter kit: what an adapter author implements ({@link
 * dev.tributary.esa.kit.ExternalSystemAdapter}) and the small HTTP server that speaks the ESA
 * protocol for it ({@link dev.tributary.esa.kit.EsaServer}), with the Helper API client. Uses only
 * the JDK and the protocol classes of the parent package.
 */
package dev.tributary.esa.kit;
