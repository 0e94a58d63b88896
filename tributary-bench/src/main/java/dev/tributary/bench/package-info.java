/**
 * Benchmarks ({@code tributary-bench}): each measures one path of the hub against a baseline run
 * on the same machine in the same run (see BENCHMARKS.md and the benchmarking guide). Benchmarks
 * may use any module; nothing depends on them.
 */
package dev.tributary.bench;
