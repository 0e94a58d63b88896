/**
 * The memory connector: the reference implementation of the connector SPI, over an in-memory
 * system ({@link dev.tributary.connectors.memory.MemoryBackend}) that tests can change directly,
 * with fault injection ({@link dev.tributary.connectors.memory.MemoryFaults}).
 */
package dev.tributary.connectors.memory;
