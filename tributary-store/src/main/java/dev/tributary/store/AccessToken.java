package dev.tributary.store;

import java.time.Instant;
import java.util.List;

/**
 * A bearer token the hub accepts, without its secret (the store keeps only a hash).
 *
 * @param id a short public identifier, used to list and revoke the token and as the origin of
 *     the changes it makes
 * @param name a label for people
 * @param scopes what the token may do, as scope strings ({@code admin}, {@code read:<c>} …)
 * @param createdAt when it was issued
 * @param expiresAt when it stops working, or null for never
 * @param lastUsedAt when a request last used it (to the minute), or null if never
 */
public record AccessToken(String id, String name, List<String> scopes, Instant createdAt, Instant expiresAt,
        Instant lastUsedAt) {

    public AccessToken(String id, String name, List<String> scopes, Instant createdAt) {
        this(id, name, scopes, createdAt, null, null);
    }
}
