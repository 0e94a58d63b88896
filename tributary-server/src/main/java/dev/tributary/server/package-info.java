/**
 * The hub's HTTP API. {@link dev.tributary.server.HubServer} assembles it: authentication
 * ({@code auth}), the records API and change feed ({@code changes}), operations endpoints, and one
 * error mapper that gives every failure the JSON error body.
 */
package dev.tributary.server;
