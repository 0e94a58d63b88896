package dev.tributary.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Hub nodes sharing this store, and the leases by which one node at a time owns a piece of work
 * (a link's runs, a job).
 *
 * <p>Implementation notes.
 * <ul>
 *   <li>A lease row holds its owner, an expiry and a <b>fence</b>: a number raised every time the
 *       lease passes to another node. Taking a lease succeeds only when it is free, expired or
 *       already the taker's; renewing (a node's heartbeat) moves the expiry of the leases the node
 *       still owns.</li>
 *   <li><b>Checked where it matters.</b> A thread that works under a lease ({@link
 *       Store#underLease}) has every store transaction it opens check, first thing and in that
 *       transaction, that the lease row still names its node and fence and has not expired —
 *       on PostgreSQL reading the row {@code FOR KEY SHARE}, and a takeover locks it
 *       {@code FOR UPDATE} first, so that it waits until the transaction ended. (The owner's
 *       own heartbeat, which only moves the expiry, does not wait for its work: a
 *       transaction under a lease that ran longer than the lease would otherwise lose it.) A node paused past its lease (GC, SIGSTOP) therefore cannot write a
 *       checkpoint, token, id mapping or record after another node took the work over: its
 *       transaction fails with {@link LeaseLostException}.</li>
 *   <li>Times are the nodes' clocks (keep them in sync, e.g. NTP): a skew shortens or lengthens a
 *       takeover's wait, never lets two owners write, since the fence decides.</li>
 * </ul>
 */
public final class Nodes {

    /** A hub node: its id, a name for people (host and port), when it started and last beat. */
    public record Node(String id, String name, Instant startedAt, Instant heartbeatAt, Instant stoppedAt) {

        /** Whether the node beat within {@code ttl} of {@code now} and has not stopped. */
        public boolean live(Instant now, Duration ttl) {
            return stoppedAt == null && heartbeatAt.plus(ttl).isAfter(now);
        }
    }

    /** A lease held (or last held) by {@code owner}, with the fence it took it at. */
    public record Lease(String name, String owner, long fence, Instant expiresAt) {
    }

    /** The thread's lease was taken over or expired: what it was about to write was not written. */
    public static final class LeaseLostException extends StoreException {
        public LeaseLostException(String message) {
            super(message, null, false);
        }
    }

    private final Database database;
    private final Clock clock;

    Nodes(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Registers a new node; returns its id. On embedded SQLite, which one process uses at a time,
     * every node before it is over: they are marked stopped and their leases given back, so a hub
     * restarted after a crash takes its work up at once instead of after the lease time.
     */
    public String register(String name) {
        String id = UUID.randomUUID().toString();
        long now = clock.millis();
        database.write(connection -> {
            if (database.kind() == StoreKind.SQLITE) {
                Rows.update(connection, "UPDATE leases SET owner = NULL, expires_at = 0 WHERE owner IS NOT NULL");
                Rows.update(connection, "UPDATE nodes SET stopped_at = ? WHERE stopped_at IS NULL", now);
            }
            return Rows.update(connection, "INSERT INTO nodes (id, name, started_at, heartbeat_at) VALUES (?, ?, ?, ?)",
                    id, name, now, now);
        });
        return id;
    }

    /** A node's heartbeat: it is alive, and its leases last {@code ttl} from now. Returns the leases it holds. */
    public List<Lease> heartbeat(String node, Duration ttl) {
        long now = clock.millis();
        database.write(connection -> {
            Rows.update(connection, "UPDATE nodes SET heartbeat_at = ? WHERE id = ?", now, node);
            return Rows.update(connection, "UPDATE leases SET expires_at = ? WHERE owner = ? AND expires_at > ?",
                    now + ttl.toMillis(), node, now);
        });
        return held(node);
    }

    /** The leases a node holds now (unexpired). */
    public List<Lease> held(String node) {
        return database.read(connection -> Rows.query(connection, Nodes::lease, "SELECT name, owner, fence, expires_at"
                + " FROM leases WHERE owner = ? AND expires_at > ? ORDER BY name", node, clock.millis()));
    }

    /**
     * Takes a lease for {@code ttl} when it is free, expired or already {@code node}'s; a lease
     * passing to another node gets the next fence. Empty when another node holds it.
     */
    public Optional<Lease> acquire(String name, String node, Duration ttl) {
        long now = clock.millis();
        return database.write(connection -> {
            if (Rows.one(connection, row -> 1, "SELECT 1 FROM leases WHERE name = ?", name).isEmpty()) {
                Rows.update(connection, "INSERT INTO leases (name, owner, fence, expires_at) VALUES (?, NULL, 0, 0)"
                        + " ON CONFLICT (name) DO NOTHING", name);
            }
            // Waits for every transaction that checked the lease (FOR KEY SHARE) to end.
            Rows.one(connection, row -> 1, "SELECT 1 FROM leases WHERE name = ?"
                    + (database.kind() == StoreKind.POSTGRESQL ? " FOR UPDATE" : ""), name);
            int taken = Rows.update(connection, "UPDATE leases SET fence = CASE WHEN owner = ? THEN fence ELSE fence + 1 END,"
                    + " owner = ?, expires_at = ?, acquired_at = CASE WHEN owner = ? THEN acquired_at ELSE ? END"
                    + " WHERE name = ? AND (owner = ? OR owner IS NULL OR expires_at <= ?)",
                    node, node, now + ttl.toMillis(), node, now, name, node, now);
            if (taken == 0) {
                return Optional.<Lease>empty();
            }
            return Rows.one(connection, Nodes::lease, "SELECT name, owner, fence, expires_at FROM leases WHERE name = ?", name);
        });
    }

    /** Gives a lease back (another node may take it at once); nothing when {@code node} does not hold it. */
    public void release(String name, String node) {
        database.write(connection -> Rows.update(connection, "UPDATE leases SET owner = NULL, expires_at = 0"
                + " WHERE name = ? AND owner = ?", name, node));
    }

    /** A node stops: its leases are given back and it is no longer live. */
    public void stop(String node) {
        long now = clock.millis();
        database.write(connection -> {
            Rows.update(connection, "UPDATE leases SET owner = NULL, expires_at = 0 WHERE owner = ?", node);
            return Rows.update(connection, "UPDATE nodes SET stopped_at = ? WHERE id = ?", now, node);
        });
    }

    /** Every node, newest first. */
    public List<Node> list() {
        return database.read(connection -> Rows.query(connection, Nodes::node, "SELECT id, name, started_at, heartbeat_at,"
                + " stopped_at FROM nodes ORDER BY started_at DESC, id"));
    }

    /** Every lease with an owner, expired or not. */
    public List<Lease> leases() {
        return database.read(connection -> Rows.query(connection, Nodes::lease, "SELECT name, owner, fence, expires_at"
                + " FROM leases WHERE owner IS NOT NULL ORDER BY name"));
    }

    /** Forgets nodes that stopped or stopped beating before {@code before} (they hold no lease any more). */
    public int forget(Instant before) {
        long at = before.toEpochMilli();
        return database.write(connection -> Rows.update(connection, "DELETE FROM nodes WHERE heartbeat_at < ?"
                + " AND NOT EXISTS (SELECT 1 FROM leases WHERE owner = nodes.id AND expires_at > ?)", at, clock.millis()));
    }

    /**
     * In a write transaction: fails with {@link LeaseLostException} unless {@code lease} is still
     * held — same owner and fence, unexpired. On PostgreSQL the row is read {@code FOR KEY SHARE},
     * so a takeover ({@code FOR UPDATE}) waits for this transaction, and the owner's heartbeat
     * (an update of the expiry alone, {@code FOR NO KEY UPDATE}) does not.
     */
    static void check(Connection connection, StoreKind kind, Lease lease, Clock clock) throws SQLException {
        Optional<Lease> now = Rows.one(connection, Nodes::lease, "SELECT name, owner, fence, expires_at FROM leases"
                + " WHERE name = ?" + (kind == StoreKind.POSTGRESQL ? " FOR KEY SHARE" : ""), lease.name());
        Instant at = clock.instant();
        if (now.isEmpty() || !lease.owner().equals(now.get().owner()) || now.get().fence() != lease.fence()
                || !now.get().expiresAt().isAfter(at)) {
            throw new LeaseLostException("this node no longer holds the lease on " + lease.name() + " (fence "
                    + lease.fence() + "): " + now.map(l -> l.owner() == null ? "it was given back"
                            : !l.owner().equals(lease.owner()) ? "node " + l.owner() + " took it over (fence " + l.fence() + ")"
                            : "it expired at " + l.expiresAt()).orElse("it is gone") + "; nothing was written");
        }
    }

    private static Lease lease(ResultSet row) throws SQLException {
        return new Lease(row.getString(1), row.getString(2), row.getLong(3), Instant.ofEpochMilli(row.getLong(4)));
    }

    private static Node node(ResultSet row) throws SQLException {
        long stopped = row.getLong(5);
        Instant stoppedAt = row.wasNull() ? null : Instant.ofEpochMilli(stopped);
        return new Node(row.getString(1), row.getString(2), Instant.ofEpochMilli(row.getLong(3)),
                Instant.ofEpochMilli(row.getLong(4)), stoppedAt);
    }
}
