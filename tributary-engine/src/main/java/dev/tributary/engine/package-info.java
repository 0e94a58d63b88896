/**
 * The sync engine: link definitions, runs and their states, scheduling, retries and conflict
 * policies. {@link dev.tributary.engine.SyncEngine} keeps the definitions of endpoints and links in
 * the store and starts {@link dev.tributary.engine.LinkRun}s, which pull changes from a connector
 * into the hub (inbound), detect deletions and push the hub's changes out (outbound), guarded by
 * expected versions, without echo. The engine uses the store, the connector SPI and the filter
 * language; it knows nothing of HTTP.
 */
package dev.tributary.engine;
