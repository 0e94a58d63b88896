/**
 * The sync engine: link definitions, runs and their states, scheduling, retries and conflict
 * policies. {@link dev.tributary.engine.SyncEngine} keeps the definitions of endpoints and links in
 * the store and starts {@link dev.tributary.engine.LinkRun}s, which pull changes from a connector
 * into the hub (inbound), detect deletions and push the hub's changes out (outbound), guarded by
 * expected versions, without echo. Other kinds of link (SData links) plug in as a
 * {@link dev.tributary.engine.LinkKind} and periodic jobs (compaction) through
 * {@link dev.tributary.engine.SyncEngine#scheduleJob}: one run system, one scheduler. The engine uses the store, the connector SPI and the filter
 * language; it knows nothing of HTTP.
 */
package dev.tributary.engine;
