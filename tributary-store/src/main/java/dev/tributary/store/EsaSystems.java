package dev.tributary.store;

import java.time.Clock;
import java.util.Optional;

/**
 * The External System Adapters behind ESA endpoints: each one's external system id, the hash of
 * the secret that authenticates it at the Helper API (never the secret), what it answered to
 * {@code configure}, its run modes, and its parameters' descriptions and values (JSON).
 */
public final class EsaSystems {

    /** One adapter. */
    public record EsaSystem(String endpoint, String externalSystemId, String secretHash, String configuredAs,
            int runModes, String parametersMeta, String parameters) {
    }

    private static final String COLUMNS =
            "endpoint, external_system_id, secret_hash, configured_as, run_modes, parameters_meta, parameters";

    private final Database database;
    private final Clock clock;
    private final Secrets secrets;

    EsaSystems(Database database, Clock clock, Secrets secrets) {
        this.database = database;
        this.clock = clock;
        this.secrets = secrets;
    }

    /** A new secret for an adapter to authenticate with at the Helper API (only its hash is stored). */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return "esa_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Records an adapter's configuration (keeping its parameter values when it is re-configured).
     *
     * @param secret the secret issued to it; stored as a hash
     */
    public void configure(String endpoint, String externalSystemId, String secret, String configuredAs, int runModes,
            String parametersMeta) {
        String secretHash = AccessTokens.hash(secret);
        database.write(connection -> {
            long now = clock.millis();
            int updated = Rows.update(connection, "UPDATE esa_systems SET external_system_id = ?, secret_hash = ?,"
                    + " configured_as = ?, run_modes = ?, parameters_meta = ?, updated_at = ? WHERE endpoint = ?",
                    externalSystemId, secretHash, configuredAs, runModes, parametersMeta, now, endpoint);
            if (updated == 0) {
                Rows.update(connection, "INSERT INTO esa_systems (" + COLUMNS + ", created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, '{}', ?, ?)", endpoint, externalSystemId, secretHash, configuredAs,
                        runModes, parametersMeta, now, now);
            }
            return null;
        });
    }

    /** Replaces an adapter's parameter values. */
    public boolean setParameters(String endpoint, String parametersJson) {
        return database.write(connection -> Rows.update(connection,
                "UPDATE esa_systems SET parameters = ?, updated_at = ? WHERE endpoint = ?", secrets.seal(parametersJson), clock.millis(),
                endpoint) > 0);
    }

    public Optional<EsaSystem> byEndpoint(String endpoint) {
        return database.read(connection -> Rows.one(connection, this::read,
                "SELECT " + COLUMNS + " FROM esa_systems WHERE endpoint = ?", endpoint));
    }

    /** The adapter with this external system id, if the secret is its own. */
    public Optional<EsaSystem> authenticate(String externalSystemId, String secret) {
        if (secret == null) {
            return Optional.empty();
        }
        byte[] given = AccessTokens.hash(secret).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return byExternalSystemId(externalSystemId).filter(system -> java.security.MessageDigest.isEqual(given,
                system.secretHash().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    public Optional<EsaSystem> byExternalSystemId(String externalSystemId) {
        return database.read(connection -> Rows.one(connection, this::read,
                "SELECT " + COLUMNS + " FROM esa_systems WHERE external_system_id = ?", externalSystemId));
    }

    public boolean delete(String endpoint) {
        return database.write(connection -> Rows.update(connection, "DELETE FROM esa_systems WHERE endpoint = ?",
                endpoint) > 0);
    }

    private EsaSystem read(java.sql.ResultSet row) throws java.sql.SQLException {
        return new EsaSystem(row.getString(1), row.getString(2), row.getString(3), row.getString(4), row.getInt(5),
                row.getString(6), secrets.open(row.getString(7)));
    }
}
