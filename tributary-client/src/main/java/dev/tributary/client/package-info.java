/**
 * The client SDK: {@link dev.tributary.client.HubClient} for the HTTP API and {@link
 * dev.tributary.client.OfflineObjects}, the offline-objects SDK (startSync with batches, progress
 * and stats) over a {@link dev.tributary.client.LocalStore}. It talks to a hub only over HTTP and
 * may use no hub module but the filter language.
 */
package dev.tributary.client;
