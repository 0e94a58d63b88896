/**
 * The admin routes of the sync engine: endpoints, links, runs and conflicts under {@code /v1}.
 * Routes parse, authorize (admin scope), call the engine or the store and map the answer; they hold
 * no sync logic.
 */
package dev.tributary.server.admin;
