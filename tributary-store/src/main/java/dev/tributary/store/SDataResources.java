package dev.tributary.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Collections exposed as SData resource kinds, and their digests (the entries of other
 * endpoints; the hub's own entry is computed from the change log).
 */
public final class SDataResources {

    /** One resource kind. */
    public record Resource(String resource, String collection, String app, String contract, String endpoint,
            int conflictPriority) {
    }

    /**
     * A link running catch-up passes between a local resource kind and a remote provider's.
     *
     * @param every how often it runs on its own, or null for on request only
     */
    public record Link(String name, String resource, String remoteUrl, String remoteToken, String direction,
            java.time.Duration every) {
    }

    /** A stored digest entry of another endpoint. */
    public record DigestRow(String endpoint, long tick, Instant stamp, int conflictPriority) {
    }

    private final Database database;
    private final Clock clock;
    private final Secrets secrets;

    SDataResources(Database database, Clock clock, Secrets secrets) {
        this.secrets = secrets;
        this.database = database;
        this.clock = clock;
    }

    /** Creates or changes a resource kind; true when created. */
    public boolean put(Resource resource) {
        return database.write(connection -> {
            long now = clock.millis();
            int updated = Rows.update(connection, "UPDATE sdata_resources SET collection = ?, app = ?, contract = ?,"
                    + " endpoint = ?, conflict_priority = ?, updated_at = ? WHERE resource = ?", resource.collection(),
                    resource.app(), resource.contract(), resource.endpoint(), resource.conflictPriority(), now,
                    resource.resource());
            if (updated > 0) {
                return false;
            }
            Rows.update(connection, "INSERT INTO sdata_resources (resource, collection, app, contract, endpoint,"
                    + " conflict_priority, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", resource.resource(),
                    resource.collection(), resource.app(), resource.contract(), resource.endpoint(),
                    resource.conflictPriority(), now, now);
            return true;
        });
    }

    public Optional<Resource> get(String resource) {
        return database.read(connection -> Rows.one(connection, SDataResources::read,
                "SELECT resource, collection, app, contract, endpoint, conflict_priority FROM sdata_resources"
                        + " WHERE resource = ?", resource));
    }

    public List<Resource> list() {
        return database.read(connection -> Rows.query(connection, SDataResources::read,
                "SELECT resource, collection, app, contract, endpoint, conflict_priority FROM sdata_resources"
                        + " ORDER BY resource"));
    }

    public boolean delete(String resource) {
        return database.write(connection -> {
            Rows.update(connection, "DELETE FROM sdata_digest WHERE resource = ?", resource);
            return Rows.update(connection, "DELETE FROM sdata_resources WHERE resource = ?", resource) > 0;
        });
    }

    /** Creates or changes a link; true when created. */
    public boolean putLink(Link link) {
        return database.write(connection -> {
            long now = clock.millis();
            Long every = link.every() == null ? null : link.every().toMillis();
            int updated = Rows.update(connection, "UPDATE sdata_links SET resource = ?, remote_url = ?, remote_token = ?,"
                    + " direction = ?, every_ms = ?, updated_at = ? WHERE name = ?", link.resource(), link.remoteUrl(),
                    secrets.seal(link.remoteToken()), link.direction(), every, now, link.name());
            if (updated > 0) {
                return false;
            }
            Rows.update(connection, "INSERT INTO sdata_links (name, resource, remote_url, remote_token, direction,"
                    + " every_ms, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", link.name(), link.resource(),
                    link.remoteUrl(), secrets.seal(link.remoteToken()), link.direction(), every, now, now);
            return true;
        });
    }

    public Optional<Link> link(String name) {
        return database.read(connection -> Rows.one(connection, this::readLink,
                "SELECT name, resource, remote_url, remote_token, direction, every_ms FROM sdata_links WHERE name = ?", name));
    }

    public List<Link> links() {
        return database.read(connection -> Rows.query(connection, this::readLink,
                "SELECT name, resource, remote_url, remote_token, direction, every_ms FROM sdata_links ORDER BY name"));
    }

    public boolean deleteLink(String name) {
        return database.write(connection -> Rows.update(connection, "DELETE FROM sdata_links WHERE name = ?", name) > 0);
    }

    private Link readLink(ResultSet row) throws SQLException {
        Object every = row.getObject(6);
        return new Link(row.getString(1), row.getString(2), row.getString(3), secrets.open(row.getString(4)), row.getString(5),
                every instanceof Number n && n.longValue() > 0 ? java.time.Duration.ofMillis(n.longValue()) : null);
    }

    /** The stored digest entries (other endpoints) of a resource kind. */
    public List<DigestRow> digest(String resource) {
        return database.read(connection -> digest(connection, resource));
    }

    static List<DigestRow> digest(java.sql.Connection connection, String resource) throws SQLException {
        return Rows.query(connection, SDataResources::digestRow,
                "SELECT endpoint, tick, stamp, conflict_priority FROM sdata_digest WHERE resource = ? ORDER BY endpoint",
                resource);
    }

    private static Resource read(ResultSet row) throws SQLException {
        return new Resource(row.getString(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5),
                row.getInt(6));
    }

    private static DigestRow digestRow(ResultSet row) throws SQLException {
        return new DigestRow(row.getString(1), row.getLong(2), Instant.ofEpochMilli(row.getLong(3)), row.getInt(4));
    }
}
