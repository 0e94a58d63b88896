package dev.tributary.store;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Object services for offline clients: named groups of objects, each over a collection. */
public final class ObjectServices {

    /** A stored service: its name and its definition (JSON, read by the server). */
    public record Entry(String name, String definition) {
    }

    private final Database database;
    private final Clock clock;

    ObjectServices(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Creates or replaces a service (validated by the caller); returns whether it was created. */
    public boolean put(String name, String definition) {
        return database.write(connection -> {
            long now = clock.millis();
            if (Rows.update(connection, "UPDATE object_services SET definition = ?, updated_at = ? WHERE name = ?",
                    definition, now, name) > 0) {
                return false;
            }
            Rows.update(connection, "INSERT INTO object_services (name, definition, created_at, updated_at) VALUES (?, ?, ?, ?)",
                    name, definition, now, now);
            return true;
        });
    }

    public Optional<Entry> get(String name) {
        return database.read(connection -> Rows.one(connection, row -> new Entry(row.getString(1), row.getString(2)),
                "SELECT name, definition FROM object_services WHERE name = ?", name));
    }

    public List<Entry> list() {
        return database.read(connection -> Rows.query(connection, row -> new Entry(row.getString(1), row.getString(2)),
                "SELECT name, definition FROM object_services ORDER BY name"));
    }

    public boolean delete(String name) {
        return database.write(connection -> Rows.update(connection, "DELETE FROM object_services WHERE name = ?", name) > 0);
    }
}
