/**
 * The Sage SData synchronization routes: {@code $syncDigest}, {@code $syncSource} and {@code
 * $syncTarget} over the hub's collections, their asynchronous tracking contexts, and SData links
 * that synchronize this hub with another SData provider.
 */
package dev.tributary.server.sdata;
