/**
 * The hub's side of offline objects, without HTTP: object service definitions
 * ({@link dev.tributary.engine.offline.ObjectService}) and uploads applied under each object's
 * conflict policy with every decision recorded ({@link dev.tributary.engine.offline.OfflineChanges}).
 * The server's offline routes use it, with the conflict resolvers of its SPI adapted to
 * {@link dev.tributary.engine.offline.OfflineConflictResolver}. It uses the store.
 */
package dev.tributary.engine.offline;
