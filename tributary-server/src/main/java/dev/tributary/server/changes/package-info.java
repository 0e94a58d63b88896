/**
 * The records API and change feed: collections, record CRUD with ETag preconditions, atomic
 * batches, listing and incremental sync with signed sync and page tokens, and the filter
 * language. See {@code docs/api.md} for the wire contract.
 */
package dev.tributary.server.changes;
