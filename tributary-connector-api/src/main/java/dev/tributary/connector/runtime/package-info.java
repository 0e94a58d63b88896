/**
 * The runtime between the engine and a connector: {@link
 * dev.tributary.connector.runtime.GuardedConnector} validates configuration, arguments and
 * capabilities before a connector sees a call, and keeps a misbehaving connector's output from
 * reaching the engine.
 */
package dev.tributary.connector.runtime;
