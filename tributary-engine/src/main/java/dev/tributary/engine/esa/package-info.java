/**
 * The hub's side of the ESA Helper API, without HTTP: the calls an External System Adapter makes
 * back to the hub ({@link dev.tributary.engine.esa.EsaHelperCalls}). The server's route
 * authenticates the adapter and hands each call here. It uses the engine, the store and the ESA
 * protocol.
 */
package dev.tributary.engine.esa;
