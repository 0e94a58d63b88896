/**
 * Sage SData 2.0 synchronization, independent of any store or transport: {@link
 * dev.tributary.sdata.Digest digests} and {@link dev.tributary.sdata.SyncState sync states},
 * change selection, {@link dev.tributary.sdata.ConflictRule conflict detection and resolution},
 * digest updates, and the Atom/XML documents ({@link dev.tributary.sdata.SyncFeed sync feeds},
 * {@link dev.tributary.sdata.Digests digests}, {@link dev.tributary.sdata.Tracking tracking},
 * {@link dev.tributary.sdata.Diagnosis diagnoses}) with {@link dev.tributary.sdata.Payloads a
 * lossless JSON payload mapping}. Reading goes through {@link dev.tributary.sdata.SDataXml}, which
 * is hardened and bounded.
 */
package dev.tributary.sdata;
