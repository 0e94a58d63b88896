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
 */
public record AccessToken(String id, String name, List<String> scopes, Instant createdAt) {
}
