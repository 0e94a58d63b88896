/**
 * The offline object services routes (Volt MX offline objects): service definitions, download of
 * changes in batches and idempotent uploads keyed by request id, with the service's conflict policy
 * applied to each uploaded change.
 */
package dev.tributary.server.offline;
