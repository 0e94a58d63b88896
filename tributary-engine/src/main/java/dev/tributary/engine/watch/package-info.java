/**
 * Watch channels without HTTP routes: opening and stopping channels
 * ({@link dev.tributary.engine.watch.WatchService}), the allow-list of webhook addresses
 * ({@link dev.tributary.engine.watch.WebhookAddresses}), and the delivery of notifications from the
 * store's outbox on the engine's request workers. It uses the engine and the store.
 */
package dev.tributary.engine.watch;
