/**
 * The hub's side of the ESA protocol, without HTTP: the configure handshake with an adapter
 * ({@link dev.tributary.engine.esa.EsaConfiguration}) and the Helper API calls an External System Adapter makes
 * back to the hub ({@link dev.tributary.engine.esa.EsaHelperCalls}). The server's route
 * authenticates the adapter and hands each call here. It uses the engine, the store and the ESA
 * protocol.
 */
package dev.tributary.engine.esa;
