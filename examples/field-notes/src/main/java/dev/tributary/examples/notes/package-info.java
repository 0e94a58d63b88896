/**
 * Field notes, the example offline application: a small command-line notebook that keeps its notes
 * in a local store and syncs them with a hub through {@code tributary-client}'s offline objects.
 * It may use only the client and the filter language, as any outside application would.
 */
package dev.tributary.examples.notes;
