package dev.tributary.server.auth;

import dev.tributary.server.ApiException;
import dev.tributary.store.AccessToken;
import dev.tributary.store.AccessTokens;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks the bearer token of every request but {@code /health}. Successful look-ups are cached
 * for a few seconds so a client paging through a large sync does not cost a store query per
 * page; a revoked token therefore stops working within {@link #CACHE_NANOS}. Failures are never
 * cached, so random tokens cannot fill the cache.
 */
public final class Authenticator {

    /** How long a successful check is remembered. */
    public static final long CACHE_NANOS = 5_000_000_000L;
    private static final int CACHE_LIMIT = 10_000;
    private static final String ATTRIBUTE = "tributary.principal";

    private record Cached(Principal principal, long expiresAt, java.time.Instant tokenExpires) {
    }

    private final AccessTokens tokens;
    private final java.time.Clock clock;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public Authenticator(AccessTokens tokens) {
        this(tokens, java.time.Clock.systemUTC());
    }

    /** With the clock that token expiry is measured on (the store's). */
    public Authenticator(AccessTokens tokens, java.time.Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    /** Authenticates the request and remembers the principal on it; 401 when that fails. */
    public void authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw ApiException.unauthorized("this endpoint needs 'Authorization: Bearer <token>'; "
                    + "create a token with: tributary token create --scope <scope>");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.unauthorized("use a bearer token: 'Authorization: Bearer <token>'");
        }
        String secret = header.substring(7).strip();
        Principal principal = lookup(secret).orElseThrow(() -> ApiException.unauthorized(
                "the bearer token is not known to this hub (or was revoked, or has expired)"));
        ctx.attribute(ATTRIBUTE, principal);
    }

    private Optional<Principal> lookup(String secret) {
        long now = System.nanoTime();
        Cached cached = cache.get(secret);
        if (cached != null && cached.expiresAt - now > 0
                && (cached.tokenExpires == null || clock.instant().isBefore(cached.tokenExpires))) {
            return Optional.of(cached.principal);
        }
        Optional<AccessToken> token = tokens.authenticate(secret);
        if (token.isEmpty()) {
            cache.remove(secret);
            return Optional.empty();
        }
        Principal principal = new Principal(token.get().id(), toScopes(token.get().scopes()));
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(secret, new Cached(principal, now + CACHE_NANOS, token.get().expiresAt()));
        return Optional.of(principal);
    }

    /** Forgets what was remembered of a token (it was revoked here): its next request is checked in the store. */
    public void forget(String tokenId) {
        cache.values().removeIf(cached -> cached.principal().tokenId().equals(tokenId));
    }

    private static List<Scope> toScopes(List<String> stored) {
        return stored.stream().map(Scope::parse).toList();
    }

    /** The principal of a request, or null when it was not authenticated (health, the Helper API, a refusal). */
    public static Principal principalIfAny(Context ctx) {
        return ctx.attribute(ATTRIBUTE);
    }

    /** The principal of an authenticated request. */
    public static Principal principal(Context ctx) {
        Principal principal = ctx.attribute(ATTRIBUTE);
        if (principal == null) {
            throw ApiException.unauthorized("this endpoint needs a bearer token");
        }
        return principal;
    }
}
