package dev.tributary.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Issues, checks and revokes bearer tokens. Only a SHA-256 hash of each token is stored: tokens
 * are 256 random bits, so a plain hash cannot be reversed by guessing, and a leaked database
 * does not leak usable tokens.
 */
public final class AccessTokens {

    /** Prefix of every token, so a leaked one is easy to recognize and search for. */
    public static final String PREFIX = "trb_";

    /** A newly issued token, the only time its secret is known. */
    public record IssuedToken(AccessToken token, String secret) {
    }

    private final Database database;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    AccessTokens(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** How stale the noted last use of a token may get before a request notes it again. */
    static final long LAST_USED_RESOLUTION_MS = 60_000;

    /** Issues a token with these scopes (already validated by the caller) that does not expire. */
    public IssuedToken create(String name, List<String> scopes) {
        return create(name, scopes, null);
    }

    /** Issues a token with these scopes that stops working after {@code lifetime} (null: never). */
    public IssuedToken create(String name, List<String> scopes, java.time.Duration lifetime) {
        if (lifetime != null && (lifetime.isNegative() || lifetime.isZero())) {
            throw new IllegalArgumentException("a token's lifetime must be positive");
        }
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("a token needs at least one scope");
        }
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        byte[] idBytes = new byte[6];
        random.nextBytes(idBytes);
        String id = HexFormat.of().formatHex(idBytes);
        String label = name == null || name.isBlank() ? "token " + id : name.strip();
        Instant now = Instant.ofEpochMilli(clock.millis());
        Instant expires = lifetime == null ? null : now.plus(lifetime);
        database.write(connection -> Rows.update(connection, "INSERT INTO access_tokens (id, name, token_hash, scopes,"
                + " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)", id, label, hash(secret), String.join(" ", scopes),
                now.toEpochMilli(), expires == null ? null : expires.toEpochMilli()));
        return new IssuedToken(new AccessToken(id, label, List.copyOf(scopes), now, expires, null), secret);
    }

    /** The live token whose secret this is, if any. */
    public Optional<AccessToken> authenticate(String secret) {
        if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 200) {
            return Optional.empty();
        }
        String hash = hash(secret);
        long now = clock.millis();
        Optional<AccessToken> found = database.read(connection -> Rows.one(connection, AccessTokens::read,
                "SELECT " + COLUMNS + " FROM access_tokens WHERE token_hash = ? AND revoked_at IS NULL"
                        + " AND (expires_at IS NULL OR expires_at > ?)", hash, now));
        found.ifPresent(token -> {
            if (token.lastUsedAt() == null || now - token.lastUsedAt().toEpochMilli() >= LAST_USED_RESOLUTION_MS) {
                // Noted at most once a minute per token; losing a note in a crash is harmless.
                database.writeRelaxed(connection -> Rows.update(connection,
                        "UPDATE access_tokens SET last_used_at = ? WHERE id = ?", now, token.id()));
            }
        });
        return found;
    }

    /** Every live token, oldest first. */
    public List<AccessToken> list() {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM access_tokens WHERE revoked_at IS NULL ORDER BY created_at, id");
                    ResultSet rows = select.executeQuery()) {
                List<AccessToken> tokens = new ArrayList<>();
                while (rows.next()) {
                    tokens.add(read(rows));
                }
                return tokens;
            }
        });
    }

    /** Revokes the token with this id; returns whether a live one existed. */
    public boolean revoke(String id) {
        return database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE access_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                update.setLong(1, clock.millis());
                update.setString(2, id);
                return update.executeUpdate() > 0;
            }
        });
    }

    private static final String COLUMNS = "id, name, scopes, created_at, expires_at, last_used_at";

    private static AccessToken read(ResultSet row) throws java.sql.SQLException {
        Object expires = row.getObject(5);
        Object used = row.getObject(6);
        return new AccessToken(row.getString(1), row.getString(2), List.of(row.getString(3).split(" ")),
                Instant.ofEpochMilli(row.getLong(4)), expires == null ? null : Instant.ofEpochMilli(((Number) expires).longValue()),
                used == null ? null : Instant.ofEpochMilli(((Number) used).longValue()));
    }

    static String hash(String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
