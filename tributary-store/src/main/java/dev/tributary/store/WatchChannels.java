package dev.tributary.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Watch channels: receivers told by a POST when a collection changes, and the outbox of what they
 * are still to be told.
 *
 * <p>Implementation notes. Each channel row is its own outbox: it holds at most one pending
 * notification — a resource state and a message number, both kept across retries — and the
 * collection position its notifications have covered ({@code seen_seq}). {@link #markChanged}
 * compares that position with the collection's newest change: a channel with nothing pending gets
 * an {@code exists} notification with the next message number; a channel whose notification is
 * still waiting takes the change into it (coalescing); a channel whose notification is being
 * delivered right now is left behind, and {@link #delivered} looks again, so a change committed
 * while the receiver was being told is told in a next message. Because the position is in the
 * store and every node compares again after a restart or on its periodic sweep, a lost wake-up or
 * a crash delays a notification, never loses it. Deliveries are claimed for a while
 * ({@link #claimDue}); a claim whose holder died lapses and the notification is delivered again
 * with the same number.
 */
public final class WatchChannels {

    /** Where a channel is in its life. */
    public enum State {
        /** Notifications are delivered. */
        ACTIVE,
        /** Deliveries failed too often; nothing more is delivered. */
        DISABLED,
        /** Its expiration passed. */
        EXPIRED,
        /** Its collection was deleted and the receiver told so. */
        ENDED;

        static State of(String column) {
            return valueOf(column.toUpperCase(Locale.ROOT));
        }
    }

    /** What a notification tells, as Google Calendar's {@code X-Goog-Resource-State}. */
    public enum ResourceState {
        /** The channel's first message. */
        SYNC,
        /** The collection changed. */
        EXISTS,
        /** The collection was deleted. */
        NOT_EXISTS;

        /** As sent in the header: {@code sync}, {@code exists}, {@code not_exists}. */
        public String header() {
            return name().toLowerCase(Locale.ROOT);
        }

        static ResourceState of(String column) {
            return column == null ? null : valueOf(column.toUpperCase(Locale.ROOT));
        }
    }

    /** A channel to open. */
    /** @param signingSecret the secret notifications are signed with, or null (stored sealed) */
    public record NewChannel(String id, String resourceId, String resourceUri, String collection, String address,
            String token, Instant expiration, String createdBy, String signingSecret) {
    }

    /**
     * A channel as stored.
     *
     * @param pending the notification waiting to be delivered, or null
     * @param pendingNumber its message number, or null
     * @param attempts failed deliveries of the pending notification in a row
     * @param signingSecret the secret notifications are signed with, or null
     */
    public record Channel(String id, String resourceId, String resourceUri, String collection, long incarnation,
            String address, String token, Instant expiration, Instant createdAt, String createdBy, State state,
            String reason, long nextMessage, ResourceState pending, Long pendingNumber, int attempts,
            Instant nextAttemptAt, String lastError, long delivered, Instant lastDeliveredAt, String signingSecret) {
    }

    /** A notification claimed for delivery by {@link #claimDue}. */
    public record Delivery(Channel channel, long messageNumber, ResourceState state, String owner) {
    }

    private static final String COLUMNS = "id, resource_id, resource_uri, collection, incarnation, address, channel_token,"
            + " expiration, created_at, created_by, state, reason, next_message, pending_state, pending_number, attempts,"
            + " next_attempt_at, last_error, delivered, last_delivered_at, signing_secret";
    /** Longest error text kept. */
    private static final int MAX_ERROR = 500;

    private final Database database;
    private final Clock clock;
    private final Secrets secrets;

    WatchChannels(Database database, Clock clock, Secrets secrets) {
        this.database = database;
        this.clock = clock;
        this.secrets = secrets;
    }

    /**
     * Opens a channel on an existing collection, with its {@code sync} message (number 1) pending.
     * Empty when the id is taken; {@link CollectionNotFoundException} when the collection is not there.
     */
    public Optional<Channel> create(NewChannel channel) {
        long now = clock.millis();
        return database.write(connection -> {
            CollectionInfo info = CollectionCatalog.find(connection, channel.collection())
                    .orElseThrow(() -> new CollectionNotFoundException(channel.collection()));
            int inserted = Rows.update(connection, "INSERT INTO watch_channels (id, resource_id, resource_uri, collection,"
                    + " incarnation, address, channel_token, expiration, created_at, created_by, state, seen_seq,"
                    + " next_message, pending_state, pending_number, next_attempt_at, signing_secret) VALUES (?, ?, ?, ?, ?, ?, ?,"
                    + " ?, ?, ?, 'active', ?, 2, 'sync', 1, ?, ?) ON CONFLICT (id) DO NOTHING", channel.id(), channel.resourceId(),
                    channel.resourceUri(), channel.collection(), info.incarnation(), channel.address(), channel.token(),
                    channel.expiration().toEpochMilli(), now, channel.createdBy(), latest(connection, info.incarnation()), now,
                    channel.signingSecret() == null ? null : secrets.seal(channel.signingSecret()));
            return inserted == 1 ? find(connection, channel.id()) : Optional.<Channel>empty();
        });
    }

    /** The channel with this id. */
    public Optional<Channel> get(String id) {
        return database.read(connection -> find(connection, id));
    }

    /** Channels, newest first: all of them, or those one token opened. */
    public List<Channel> list(String createdBy, int limit) {
        return database.read(connection -> createdBy == null
                ? Rows.query(connection, this::read, "SELECT " + COLUMNS + " FROM watch_channels"
                        + " ORDER BY created_at DESC, id LIMIT ?", limit)
                : Rows.query(connection, this::read, "SELECT " + COLUMNS + " FROM watch_channels"
                        + " WHERE created_by = ? ORDER BY created_at DESC, id LIMIT ?", createdBy, limit));
    }

    /** Active channels: on one collection, or in all (null). */
    public int countActive(String collection) {
        return database.read(connection -> Rows.one(connection, row -> row.getInt(1), collection == null
                ? "SELECT COUNT(*) FROM watch_channels WHERE state = 'active'"
                : "SELECT COUNT(*) FROM watch_channels WHERE state = 'active' AND collection = ?",
                collection == null ? new Object[0] : new Object[] {collection}).orElse(0));
    }

    /** Whether any channel is stored, in whatever state. */
    public boolean any() {
        return database.read(connection -> Rows.one(connection, row -> true, "SELECT 1 FROM watch_channels LIMIT 1").isPresent());
    }

    /** The collections active channels watch. */
    public List<String> watchedCollections() {
        return database.read(connection -> Rows.query(connection, row -> row.getString(1),
                "SELECT DISTINCT collection FROM watch_channels WHERE state = 'active'"));
    }

    /** Stops a channel (it is forgotten); false when no channel has this id and resource id. */
    public boolean stop(String id, String resourceId) {
        return database.write(connection -> Rows.update(connection,
                "DELETE FROM watch_channels WHERE id = ? AND resource_id = ?", id, resourceId) == 1);
    }

    /**
     * Compares a collection's active channels with its newest change (or its absence): answers how
     * many channels have a notification newly pending or changed.
     */
    public int markChanged(String collection) {
        long now = clock.millis();
        return database.write(connection -> {
            Optional<CollectionInfo> info = CollectionCatalog.find(connection, collection);
            int marked = 0;
            // Gone (or deleted and created again): the receivers are told not_exists, once.
            String gone = "collection = ? AND state = 'active' AND (pending_state IS NULL OR pending_state <> 'not_exists')"
                    + (info.isPresent() ? " AND incarnation <> ?" : "");
            Object[] goneArgs = info.isPresent() ? new Object[] {collection, info.get().incarnation()} : new Object[] {collection};
            marked += Rows.update(connection, "UPDATE watch_channels SET pending_state = 'not_exists', pending_number ="
                    + " next_message, next_message = next_message + 1, attempts = 0, next_attempt_at = ? WHERE "
                    + gone + " AND pending_state IS NULL", prepend(now, goneArgs));
            marked += Rows.update(connection, "UPDATE watch_channels SET pending_state = 'not_exists' WHERE " + gone
                    + " AND pending_state IS NOT NULL AND (claimed_until IS NULL OR claimed_until < ?)", append(goneArgs, now));
            if (info.isEmpty()) {
                return marked;
            }
            long incarnation = info.get().incarnation();
            long latest = latest(connection, incarnation);
            // Waiting but not being delivered: the change joins the pending notification.
            // (Not into a sync message: that one tells of no change.)
            Rows.update(connection, "UPDATE watch_channels SET seen_seq = ? WHERE collection = ? AND incarnation = ?"
                    + " AND state = 'active' AND seen_seq < ? AND pending_state = 'exists'"
                    + " AND (claimed_until IS NULL OR claimed_until < ?)", latest, collection, incarnation, latest, now);
            marked += Rows.update(connection, "UPDATE watch_channels SET pending_state = 'exists', pending_number = next_message,"
                    + " next_message = next_message + 1, seen_seq = ?, attempts = 0, next_attempt_at = ?"
                    + " WHERE collection = ? AND incarnation = ? AND state = 'active' AND seen_seq < ? AND pending_state IS NULL",
                    latest, now, collection, incarnation, latest);
            return marked;
        });
    }

    /**
     * Claims up to {@code limit} notifications due now for delivery by {@code owner}, for
     * {@code hold} (after which another may claim them again).
     */
    public List<Delivery> claimDue(String owner, Duration hold, int limit) {
        long now = clock.millis();
        List<String> due = database.read(connection -> Rows.query(connection, row -> row.getString(1),
                "SELECT id FROM watch_channels WHERE pending_state IS NOT NULL AND next_attempt_at <= ? AND state = 'active'"
                        + " AND expiration > ? AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY next_attempt_at LIMIT ?",
                now, now, now, limit));
        List<Delivery> claimed = new ArrayList<>();
        for (String id : due) {
            database.writeRelaxed(connection -> {
                int won = Rows.update(connection, "UPDATE watch_channels SET claimed_by = ?, claimed_until = ? WHERE id = ?"
                        + " AND pending_state IS NOT NULL AND next_attempt_at <= ? AND state = 'active'"
                        + " AND (claimed_until IS NULL OR claimed_until < ?)", owner, now + hold.toMillis(), id, now, now);
                if (won == 1) {
                    find(connection, id).ifPresent(channel -> claimed.add(
                            new Delivery(channel, channel.pendingNumber(), channel.pending(), owner)));
                }
                return null;
            });
        }
        return claimed;
    }

    /**
     * A notification was delivered: the channel has nothing pending (a channel told its collection
     * is gone ends). False when the claim had lapsed and was taken by another.
     */
    public boolean delivered(Delivery delivery) {
        long now = clock.millis();
        return database.write(connection -> Rows.update(connection, "UPDATE watch_channels SET pending_state = NULL,"
                + " pending_number = NULL, attempts = 0, next_attempt_at = NULL, claimed_by = NULL, claimed_until = NULL,"
                + " last_error = NULL, delivered = delivered + 1, last_delivered_at = ?,"
                + " state = CASE WHEN pending_state = 'not_exists' THEN 'ended' ELSE state END"
                + " WHERE id = ? AND claimed_by = ? AND pending_number = ?",
                now, delivery.channel().id(), delivery.owner(), delivery.messageNumber()) == 1);
    }

    /**
     * A delivery failed: retried after {@code retryIn} with the same message number, or — when
     * {@code retryIn} is null — the channel is disabled with the error as its reason.
     */
    public void failed(Delivery delivery, String error, Duration retryIn) {
        long now = clock.millis();
        String kept = error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR);
        database.write(connection -> retryIn == null
                ? Rows.update(connection, "UPDATE watch_channels SET state = 'disabled', reason = ?, last_error = ?,"
                        + " attempts = attempts + 1, claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?",
                        "deliveries failed " + (delivery.channel().attempts() + 1) + " times in a row", kept,
                        delivery.channel().id(), delivery.owner())
                : Rows.update(connection, "UPDATE watch_channels SET last_error = ?, attempts = attempts + 1,"
                        + " next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?",
                        kept, now + retryIn.toMillis(), delivery.channel().id(), delivery.owner()));
    }

    /**
     * Channels past their expiration stop (their pending notification is dropped); stopped ones
     * are forgotten {@code keep} after their expiration. Answers how many expired now.
     */
    public int expire(Duration keep) {
        long now = clock.millis();
        return database.write(connection -> {
            int expired = Rows.update(connection, "UPDATE watch_channels SET state = 'expired', pending_state = NULL,"
                    + " pending_number = NULL, claimed_by = NULL, claimed_until = NULL WHERE state = 'active' AND expiration <= ?", now);
            Rows.update(connection, "DELETE FROM watch_channels WHERE state <> 'active' AND expiration <= ?", now - keep.toMillis());
            return expired;
        });
    }

    private static long latest(Connection connection, long incarnation) throws SQLException {
        return Rows.one(connection, row -> row.getLong(1), "SELECT COALESCE(MAX(seq), 0) FROM records WHERE collection_id = ?",
                incarnation).orElse(0L);
    }

    private Optional<Channel> find(Connection connection, String id) throws SQLException {
        return Rows.one(connection, this::read, "SELECT " + COLUMNS + " FROM watch_channels WHERE id = ?", id);
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static Object[] append(Object[] first, Object last) {
        Object[] all = java.util.Arrays.copyOf(first, first.length + 1);
        all[first.length] = last;
        return all;
    }

    private Channel read(ResultSet row) throws SQLException {
        long pendingNumber = row.getLong("pending_number");
        Long pending = row.wasNull() ? null : pendingNumber;
        return new Channel(row.getString("id"), row.getString("resource_id"), row.getString("resource_uri"),
                row.getString("collection"), row.getLong("incarnation"), row.getString("address"),
                row.getString("channel_token"), Instant.ofEpochMilli(row.getLong("expiration")),
                Instant.ofEpochMilli(row.getLong("created_at")), row.getString("created_by"), State.of(row.getString("state")),
                row.getString("reason"), row.getLong("next_message"), ResourceState.of(row.getString("pending_state")),
                pending, row.getInt("attempts"), Rows.instant(row, "next_attempt_at"), row.getString("last_error"),
                row.getLong("delivered"), Rows.instant(row, "last_delivered_at"),
                row.getString("signing_secret") == null ? null : secrets.open(row.getString("signing_secret")));
    }
}
