/**
 * The {@code tributary} command line: picocli commands for serving the hub, the demo, tokens,
 * stores, connectors, sync links and the ESA reference adapter, plus the hub configuration file.
 * This is the only module that assembles everything (server, engine, store, connectors, client);
 * commands parse options, call those modules and print results — no sync logic lives here.
 */
package dev.tributary.app;
