/**
 * The hub's side of SData synchronization, without HTTP: a resource kind's digest and sync
 * states ({@link dev.tributary.engine.sdata.HubDigests}), a $syncSource selection within a memory
 * budget ({@link dev.tributary.engine.sdata.SyncSourceSelector}), a $syncTarget page applied under
 * the SData conflict rule with every conflict decision recorded
 * ({@link dev.tributary.engine.sdata.SyncTargetApplier}), and the hub's resource kind as a side of
 * a pass in process ({@link dev.tributary.engine.sdata.LocalSide}). The server's SData routes and
 * SData links use it; it uses the store and the SData model.
 */
package dev.tributary.engine.sdata;
