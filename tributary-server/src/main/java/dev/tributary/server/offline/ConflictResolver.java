package dev.tributary.server.offline;

import dev.tributary.engine.offline.OfflineConflictResolver;

/**
 * Decides upload conflicts for objects whose conflict policy is {@code custom}: a change a client
 * made offline to a record that the hub changed meanwhile. List an implementation in
 * {@code META-INF/services/dev.tributary.server.offline.ConflictResolver} and name it in the
 * object's definition ({@code "resolver": "<name>"}).
 */
public interface ConflictResolver extends OfflineConflictResolver {
    // name(), resolve(Conflict), and the Conflict, Resolution and Take types are OfflineConflictResolver's:
    // the offline apply in the engine asks resolvers through it.
}
