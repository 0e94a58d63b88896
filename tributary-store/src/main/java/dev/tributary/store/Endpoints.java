package dev.tributary.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The external systems the hub knows. */
public final class Endpoints {

    private static final String COLUMNS = "name, connector, config, allowed_run_modes, created_at, updated_at";

    private final Database database;
    private final Clock clock;
    private final Secrets secrets;

    Endpoints(Database database, Clock clock, Secrets secrets) {
        this.database = database;
        this.clock = clock;
        this.secrets = secrets;
    }

    /** Creates or replaces an endpoint (already validated by the caller); returns whether it was created. */
    public boolean put(String name, String connector, String configJson, Set<String> allowedRunModes) {
        // The settings hold the endpoint's credentials: stored sealed.
        String sealed = secrets.seal(configJson);
        return database.write(connection -> {
            long now = clock.millis();
            String modes = String.join(",", new java.util.TreeSet<>(allowedRunModes));
            int updated = Rows.update(connection, "UPDATE endpoints SET connector = ?, config = ?, allowed_run_modes = ?,"
                    + " updated_at = ? WHERE name = ?", connector, sealed, modes, now, name);
            if (updated > 0) {
                return false;
            }
            Rows.update(connection, "INSERT INTO endpoints (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)",
                    name, connector, sealed, modes, now, now);
            return true;
        });
    }

    public Optional<EndpointRecord> get(String name) {
        return database.read(connection -> Rows.one(connection, this::read,
                "SELECT " + COLUMNS + " FROM endpoints WHERE name = ?", name));
    }

    public List<EndpointRecord> list() {
        return database.read(connection -> Rows.query(connection, this::read,
                "SELECT " + COLUMNS + " FROM endpoints ORDER BY name"));
    }

    /** Deletes an endpoint; refused (false) while links use it. */
    public boolean delete(String name) {
        return database.write(connection -> Rows.update(connection,
                "DELETE FROM endpoints WHERE name = ? AND NOT EXISTS (SELECT 1 FROM links WHERE endpoint = ?)",
                name, name) > 0);
    }

    private EndpointRecord read(ResultSet row) throws SQLException {
        Set<String> modes = new LinkedHashSet<>(Arrays.asList(row.getString(4).split(",")));
        modes.remove("");
        return new EndpointRecord(row.getString(1), row.getString(2), secrets.open(row.getString(3)), modes,
                Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"));
    }
}
