package dev.tributary.connectors.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Installs change-log tracking on a table: a change column kept by triggers, a tracking table
 * for deletions and renames, and where the change values come from.
 *
 * <p>Implementation notes — <b>positions in commit order, without a lock held to commit.</b> A
 * sync reads the rows whose change value lies between its token and a head, and must never pass
 * a value that a transaction still running may yet commit. An earlier scheme took every value
 * from one counter row locked until commit: safe, but it serialized the application's writers
 * and added deadlocks (two transactions updating rows (1, 2) and (2, 3) deadlocked on the
 * counter). Now:
 * <ul>
 *   <li><b>PostgreSQL</b>: a value is the writing transaction's id times 2^28, plus the row's
 *       number within the transaction, plus a per-counter base ({@code tributary_positions}). The
 *       head is just below the oldest running transaction's id ({@code pg_snapshot_xmin}): every
 *       value below it belongs to a transaction that has ended. No lock, no counter; a long
 *       transaction holds the head back (lag, never loss).</li>
 *   <li><b>MariaDB</b>: a value is a row of the counter's log ({@code tributary_log_<counter>},
 *       an AUTO_INCREMENT, taken without a lock kept to commit). Values are taken in order but
 *       committed in any order, so the head is the end of the settled prefix: a missing position
 *       is settled once no running transaction holds it and the next committed one is a second
 *       old (see {@link #mariaDbHead}).</li>
 *   <li><b>SQLite</b> allows one writer at a time: the counter row is incremented in the writing
 *       transaction, which is in commit order by construction.</li>
 * </ul>
 * Switching a counter from the earlier scheme locks its tables for the switch and starts the new
 * values above every earlier one, so stored tokens stay valid.
 *
 * <p>Renames (an update of the key column) are written to the tracking table with the new key, so
 * the sync can report the previous uid. Installing is idempotent: columns, tables and indexes are
 * created if missing, triggers replaced, and rows without a change value get one.
 */
final class ChangeTracking {

    static final String COUNTER_TABLE = "tributary_counter";
    /** PostgreSQL: per counter, the base its change values start from (see {@link #positionFunction}). */
    static final String POSITIONS_TABLE = "tributary_positions";
    /** PostgreSQL: change values per transaction id (2^28), so a transaction may write that many rows. */
    static final long POSITIONS_PER_TRANSACTION = 1L << 28;
    /** PostgreSQL: the channel the triggers {@code NOTIFY} a changed table's name on (see {@link PostgresChanges}). */
    static final String NOTIFY_CHANNEL = "tributary_changes";

    private ChangeTracking() {
    }

    /** What installing did, for people. */
    record Installed(String table, List<String> steps) {
    }

    static List<Installed> install(Connection connection, JdbcSettings settings) throws SQLException {
        Dialect dialect = settings.dialect();
        List<Installed> done = new ArrayList<>();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            createCounter(connection, statement, dialect, settings.counter());
            Map<String, List<String>> steps = new LinkedHashMap<>();
            for (String table : settings.tables()) {
                List<String> tableSteps = new ArrayList<>();
                steps.put(table, tableSteps);
                Tables.requireTable(connection, dialect, table);
                String column = settings.changeColumn();
                if (!Tables.hasColumn(connection, dialect, table, column)) {
                    statement.execute("ALTER TABLE " + dialect.quote(table) + " ADD COLUMN " + dialect.quote(column)
                            + " BIGINT");
                    tableSteps.add("added column " + column);
                }
                statement.execute("CREATE INDEX IF NOT EXISTS " + dialect.quote(table + "_tchange_idx") + " ON "
                        + dialect.quote(table) + " (" + dialect.quote(column) + ")");
                String tracking = JdbcSettings.deletionTable(table);
                statement.execute("CREATE TABLE IF NOT EXISTS " + dialect.quote(tracking) + " (uid VARCHAR(1024) NOT NULL, "
                        + dialect.quote(column) + " BIGINT NOT NULL, renamed_to VARCHAR(1024))"
                        + (dialect == Dialect.MARIADB ? " ENGINE=InnoDB" : ""));
                statement.execute("CREATE INDEX IF NOT EXISTS " + dialect.quote(tracking + "_idx") + " ON "
                        + dialect.quote(tracking) + " (" + dialect.quote(column) + ")");
                tableSteps.add("tracking table " + tracking);
            }
            if (dialect == Dialect.POSTGRESQL) {
                installPostgresTriggers(connection, settings);
            } else if (dialect == Dialect.MARIADB) {
                installMariaDbTriggers(connection, statement, settings);
            } else {
                for (String table : settings.tables()) {
                    for (String sql : triggers(dialect, settings, table)) {
                        statement.execute(sql);
                    }
                }
            }
            for (String table : settings.tables()) {
                List<String> tableSteps = steps.get(table);
                tableSteps.add("triggers for inserts, updates" + (settings.trackingTable() ? " and deletes" : ""));
                String column = settings.changeColumn();
                String unchanged = " FROM " + dialect.quote(table) + " WHERE " + dialect.quote(column) + " IS NULL";
                long backfill;
                try (ResultSet count = statement.executeQuery("SELECT count(*)" + unchanged)) {
                    count.next();
                    backfill = count.getLong(1);
                }
                if (backfill > 0) {
                    // An update that changes nothing still fires the triggers, which assign the value.
                    statement.executeUpdate("UPDATE " + dialect.quote(table) + " SET " + dialect.quote(settings.keyColumn())
                            + " = " + dialect.quote(settings.keyColumn()) + " WHERE " + dialect.quote(column) + " IS NULL");
                    tableSteps.add("gave " + backfill + " existing rows a change value");
                }
                done.add(new Installed(table, tableSteps));
            }
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return done;
    }

    /**
     * PostgreSQL: the position function and the triggers, in one transaction holding every
     * tracked table in a mode that waits for their writers and keeps new ones out — so no write
     * of the earlier (counter and sequence) scheme can commit after the switch with a value below
     * the new ones. The first switch of a counter fixes its base: new values start above every
     * value already written, so existing tokens stay valid.
     */
    private static void installPostgresTriggers(Connection connection, JdbcSettings settings) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            for (String table : settings.tables()) {
                statement.execute("LOCK TABLE " + Dialect.POSTGRESQL.quote(table) + ", "
                        + Dialect.POSTGRESQL.quote(JdbcSettings.deletionTable(table)) + " IN SHARE ROW EXCLUSIVE MODE");
            }
            long base = postgresBase(connection, statement, settings);
            statement.execute(positionFunction(settings.counter(), base));
            for (String table : settings.tables()) {
                for (String sql : triggers(Dialect.POSTGRESQL, settings, table)) {
                    statement.execute(sql);
                }
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /**
     * MariaDB: the triggers, taking positions from the counter's log. The first time (no log yet)
     * the tables are locked while the log is made to start above the counter's last value, so a
     * write of the earlier scheme cannot commit a value above the new ones.
     */
    private static void installMariaDbTriggers(Connection connection, Statement statement, JdbcSettings settings)
            throws SQLException {
        String log = logTable(settings.counter());
        boolean first = !Tables.hasTable(connection, Dialect.MARIADB, log);
        statement.execute("CREATE TABLE IF NOT EXISTS " + log + " (pos BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                + " at DATETIME(6) NOT NULL) ENGINE=InnoDB");
        if (!first) {
            for (String table : settings.tables()) {
                for (String sql : triggers(Dialect.MARIADB, settings, table)) {
                    statement.execute(sql);
                }
            }
            return;
        }
        List<String> locks = new ArrayList<>();
        for (String table : settings.tables()) {
            locks.add(Dialect.MARIADB.quote(table) + " WRITE");
            locks.add(Dialect.MARIADB.quote(JdbcSettings.deletionTable(table)) + " WRITE");
        }
        locks.add(COUNTER_TABLE + " WRITE");
        locks.add(log + " WRITE");
        statement.execute("LOCK TABLES " + String.join(", ", locks));
        try {
            long last;
            try (PreparedStatement select = connection.prepareStatement("SELECT value FROM " + COUNTER_TABLE
                    + " WHERE name = ?")) {
                select.setString(1, settings.counter());
                try (ResultSet row = select.executeQuery()) {
                    last = row.next() ? row.getLong(1) : 0;
                }
            }
            statement.execute("ALTER TABLE " + log + " AUTO_INCREMENT = " + (last + 1));
            for (String table : settings.tables()) {
                for (String sql : triggers(Dialect.MARIADB, settings, table)) {
                    statement.execute(sql);
                }
            }
        } finally {
            statement.execute("UNLOCK TABLES");
        }
    }

    /** MariaDB: the log a counter's positions come from. */
    static String logTable(String counter) {
        return "tributary_log_" + counter;
    }

    /** How long a position's absence must have lasted, behind a later committed one, to count as final. */
    static final long SETTLED_MICROS = 1_000_000;

    /**
     * MariaDB: the highest position up to which every position after {@code from} is settled —
     * committed (its row is in the log) or never to be (rolled back). Positions come from an
     * AUTO_INCREMENT, taken in order but committed in any order, so a missing one may belong to a
     * transaction still running. A missing position is settled when it is not held by a running
     * transaction (a locking read that may not wait finds nothing) and the next committed one was
     * written more than a second ago (so no writer can still be between taking it and writing it).
     * Log rows up to {@code from} are no longer needed by this reader and are pruned in batches.
     */
    private static long mariaDbHead(Connection connection, JdbcSettings settings, long from) throws SQLException {
        String log = logTable(settings.counter());
        long start = from;
        if (start < 0) {
            try (Statement statement = connection.createStatement();
                    ResultSet row = statement.executeQuery("SELECT coalesce(min(pos), 1) - 1 FROM " + log)) {
                row.next();
                start = row.getLong(1);
            }
        }
        long expected = start + 1;
        try (PreparedStatement select = connection.prepareStatement("SELECT pos, TIMESTAMPDIFF(MICROSECOND, at, SYSDATE(6))"
                + " FROM " + log + " WHERE pos > ? ORDER BY pos")) {
            select.setLong(1, start);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long position = rows.getLong(1);
                    if (position != expected
                            && !(rows.getLong(2) >= SETTLED_MICROS && unheld(connection, log, expected, position - 1))) {
                        break;
                    }
                    expected = position + 1;
                }
            }
        }
        long head = expected - 1;
        if (from > 0) {
            try (PreparedStatement prune = connection.prepareStatement("DELETE FROM " + log + " WHERE pos <= ? LIMIT 10000")) {
                prune.setLong(1, Math.min(from, head));
                prune.executeUpdate();
            }
        }
        return head;
    }

    /** Whether no running transaction holds a position in {@code [low, high]}. */
    private static boolean unheld(Connection connection, String log, long low, long high) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT pos FROM " + log
                + " WHERE pos BETWEEN ? AND ? LOCK IN SHARE MODE NOWAIT")) {
            select.setLong(1, low);
            select.setLong(2, high);
            try (ResultSet rows = select.executeQuery()) {
                return !rows.next(); // a row committed since: read again next time
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == 1205 || e.getErrorCode() == 1213) {
                return false; // held by a transaction that has not ended
            }
            throw e;
        }
    }

    /** The counter's base, created the first time: above every change value its tables hold. */
    private static long postgresBase(Connection connection, Statement statement, JdbcSettings settings)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT base FROM " + POSITIONS_TABLE
                + " WHERE name = ?")) {
            select.setString(1, settings.counter());
            try (ResultSet row = select.executeQuery()) {
                if (row.next()) {
                    return row.getLong(1);
                }
            }
        }
        long highest = 0;
        String change = Dialect.POSTGRESQL.quote(settings.changeColumn());
        for (String table : settings.tables()) {
            for (String source : List.of(table, JdbcSettings.deletionTable(table))) {
                try (ResultSet row = statement.executeQuery("SELECT coalesce(max(" + change + "), 0) FROM "
                        + Dialect.POSTGRESQL.quote(source))) {
                    row.next();
                    highest = Math.max(highest, row.getLong(1));
                }
            }
        }
        try (ResultSet row = statement.executeQuery("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")) {
            row.next();
            long lowest = row.getLong(1) * POSITIONS_PER_TRANSACTION; // no later transaction writes below it
            long base = Math.max(0, highest + 1 - lowest);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + POSITIONS_TABLE
                    + " (name, base) VALUES (?, ?)")) {
                insert.setString(1, settings.counter());
                insert.setLong(2, base);
                insert.executeUpdate();
            }
            return base;
        }
    }

    /**
     * A PostgreSQL change value: the writing transaction's id times 2^28, plus the row's number in
     * that transaction (a transaction-local setting), plus the counter's base. Unique per row
     * written; every value of a transaction is below every value of a later-started one.
     */
    private static String positionFunction(String counter, long base) {
        return "CREATE OR REPLACE FUNCTION " + positionFunctionName(counter) + "() RETURNS bigint LANGUAGE plpgsql AS $f$\n"
                + "DECLARE n bigint;\n"
                + "BEGIN\n"
                + "  n := coalesce(nullif(current_setting('tributary.rows', true), ''), '0')::bigint + 1;\n"
                + "  PERFORM set_config('tributary.rows', n::text, true);\n"
                + "  RETURN pg_current_xact_id()::text::bigint * " + POSITIONS_PER_TRANSACTION + " + n + " + base + ";\n"
                + "END $f$";
    }

    private static String positionFunctionName(String counter) {
        return "tributary_position_" + counter;
    }

    private static void createCounter(Connection connection, Statement statement, Dialect dialect, String counter)
            throws SQLException {
        statement.execute("CREATE TABLE IF NOT EXISTS " + COUNTER_TABLE
                + " (name VARCHAR(64) PRIMARY KEY, value BIGINT NOT NULL)" + (dialect == Dialect.MARIADB ? " ENGINE=InnoDB" : ""));
        String insert = switch (dialect) {
            case POSTGRESQL -> "INSERT INTO " + COUNTER_TABLE + " (name, value) VALUES (?, 0) ON CONFLICT (name) DO NOTHING";
            case MARIADB -> "INSERT IGNORE INTO " + COUNTER_TABLE + " (name, value) VALUES (?, 0)";
            case SQLITE -> "INSERT OR IGNORE INTO " + COUNTER_TABLE + " (name, value) VALUES (?, 0)";
        };
        try (PreparedStatement add = connection.prepareStatement(insert)) {
            add.setString(1, counter);
            add.executeUpdate();
        }
        if (dialect == Dialect.POSTGRESQL) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + POSITIONS_TABLE
                    + " (name VARCHAR(64) PRIMARY KEY, base BIGINT NOT NULL)");
        }
    }

    /** Whether the counter exists (tracking was installed). */
    static boolean installed(Connection connection, Dialect dialect, String table, String column) throws SQLException {
        return Tables.hasTable(connection, dialect, COUNTER_TABLE) && Tables.hasColumn(connection, dialect, table, column)
                && Tables.hasTable(connection, dialect, JdbcSettings.deletionTable(table));
    }

    /**
     * A safe upper bound for a sync reading after {@code from} (-1: from the beginning): every
     * change value up to it is committed or never will be. PostgreSQL and MariaDB as described in
     * the class notes; SQLite, and tables still on the earlier scheme, the counter's committed
     * value (on PostgreSQL the highest value in the tables, taken under the counter row's lock).
     */
    static long head(Connection connection, Dialect dialect, JdbcSettings settings, List<String> tables, long from)
            throws SQLException {
        if (dialect == Dialect.MARIADB && Tables.hasTable(connection, dialect, logTable(settings.counter()))) {
            return mariaDbHead(connection, settings, from);
        }
        if (dialect == Dialect.POSTGRESQL && Tables.hasTable(connection, dialect, POSITIONS_TABLE)) {
            try (PreparedStatement select = connection.prepareStatement("SELECT pg_snapshot_xmin(pg_current_snapshot())"
                    + "::text::bigint * " + POSITIONS_PER_TRANSACTION + " - 1 + base FROM " + POSITIONS_TABLE + " WHERE name = ?")) {
                select.setString(1, settings.counter());
                try (ResultSet row = select.executeQuery()) {
                    if (row.next()) {
                        return row.getLong(1);
                    }
                }
            }
        }
        if (dialect != Dialect.POSTGRESQL) {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT value FROM " + COUNTER_TABLE + " WHERE name = ?")) {
                select.setString(1, settings.counter());
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? row.getLong(1) : 0;
                }
            }
        }
        String change = dialect.quote(settings.changeColumn());
        List<String> parts = new ArrayList<>();
        for (String table : tables) {
            parts.add("SELECT max(" + change + ") AS m FROM " + dialect.quote(table));
            parts.add("SELECT max(" + change + ") AS m FROM " + dialect.quote(JdbcSettings.deletionTable(table)));
        }
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT coalesce(max(m), 0) FROM (" + String.join(" UNION ALL ", parts)
                        + ") heads")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static List<String> triggers(Dialect dialect, JdbcSettings settings, String table) {
        String t = dialect.quote(table);
        String key = dialect.quote(settings.keyColumn());
        String change = dialect.quote(settings.changeColumn());
        String tracking = dialect.quote(JdbcSettings.deletionTable(table));
        String counter = "'" + settings.counter() + "'"; // an identifier, checked by the settings
        String bump = "UPDATE " + COUNTER_TABLE + " SET value = value + 1 WHERE name = " + counter;
        String current = "(SELECT value FROM " + COUNTER_TABLE + " WHERE name = " + counter + ")";
        String changeTrigger = table + "_tchange";
        String deleteTrigger = table + "_tdelete";
        List<String> sql = new ArrayList<>();
        switch (dialect) {
            case POSTGRESQL -> {
                String next = positionFunctionName(settings.counter()) + "()";
                sql.add("CREATE OR REPLACE FUNCTION " + dialect.quote(changeTrigger) + "() RETURNS trigger LANGUAGE plpgsql AS $f$\n"
                        + "BEGIN\n"
                        + "  NEW." + change + " := " + next + ";\n"
                        + "  IF TG_OP = 'UPDATE' AND NEW." + key + " IS DISTINCT FROM OLD." + key + " THEN\n"
                        + "    INSERT INTO " + tracking + " (uid, " + change + ", renamed_to) VALUES ("
                        + dialect.asText("OLD." + key) + ", NEW." + change + ", " + dialect.asText("NEW." + key) + ");\n"
                        + "  END IF;\n"
                        + "  RETURN NEW;\n"
                        + "END $f$");
                sql.add("DROP TRIGGER IF EXISTS " + dialect.quote(changeTrigger) + " ON " + t);
                sql.add("CREATE TRIGGER " + dialect.quote(changeTrigger) + " BEFORE INSERT OR UPDATE ON " + t
                        + " FOR EACH ROW EXECUTE FUNCTION " + dialect.quote(changeTrigger) + "()");
                sql.add("DROP TRIGGER IF EXISTS " + dialect.quote(deleteTrigger) + " ON " + t);
                if (settings.trackingTable()) {
                    sql.add("CREATE OR REPLACE FUNCTION " + dialect.quote(deleteTrigger) + "() RETURNS trigger LANGUAGE plpgsql AS $f$\n"
                            + "BEGIN\n"
                            + "  INSERT INTO " + tracking + " (uid, " + change + ") VALUES (" + dialect.asText("OLD." + key) + ", "
                            + next + ");\n"
                            + "  RETURN OLD;\n"
                            + "END $f$");
                    sql.add("CREATE TRIGGER " + dialect.quote(deleteTrigger) + " AFTER DELETE ON " + t
                            + " FOR EACH ROW EXECUTE FUNCTION " + dialect.quote(deleteTrigger) + "()");
                }
                // Once per statement, and PostgreSQL folds equal notifications of a transaction into
                // one, delivered only if it commits: a continuous link listening wakes at once.
                String notifyTrigger = table + "_tnotify";
                sql.add("CREATE OR REPLACE FUNCTION " + dialect.quote(notifyTrigger) + "() RETURNS trigger LANGUAGE plpgsql AS $f$\n"
                        + "BEGIN\n"
                        + "  PERFORM pg_notify('" + NOTIFY_CHANNEL + "', '" + table + "');\n"
                        + "  RETURN NULL;\n"
                        + "END $f$");
                sql.add("DROP TRIGGER IF EXISTS " + dialect.quote(notifyTrigger) + " ON " + t);
                sql.add("CREATE TRIGGER " + dialect.quote(notifyTrigger) + " AFTER INSERT OR UPDATE OR DELETE ON " + t
                        + " FOR EACH STATEMENT EXECUTE FUNCTION " + dialect.quote(notifyTrigger) + "()");
            }
            case MARIADB -> {
                // A position from the counter's log (an AUTO_INCREMENT): taken without any lock held
                // to commit, so writers never wait for each other here; head() resolves the order.
                String position = "INSERT INTO " + logTable(settings.counter()) + " (at) VALUES (SYSDATE(6))";
                sql.add("CREATE OR REPLACE TRIGGER " + dialect.quote(table + "_tinsert") + " BEFORE INSERT ON " + t
                        + " FOR EACH ROW BEGIN\n"
                        + "  " + position + ";\n"
                        + "  SET NEW." + change + " = LAST_INSERT_ID();\n"
                        + "END");
                sql.add("CREATE OR REPLACE TRIGGER " + dialect.quote(table + "_tupdate") + " BEFORE UPDATE ON " + t
                        + " FOR EACH ROW BEGIN\n"
                        + "  " + position + ";\n"
                        + "  SET NEW." + change + " = LAST_INSERT_ID();\n"
                        + "  IF NOT (NEW." + key + " <=> OLD." + key + ") THEN\n"
                        + "    INSERT INTO " + tracking + " (uid, " + change + ", renamed_to) VALUES ("
                        + dialect.asText("OLD." + key) + ", NEW." + change + ", " + dialect.asText("NEW." + key) + ");\n"
                        + "  END IF;\n"
                        + "END");
                if (settings.trackingTable()) {
                    sql.add("CREATE OR REPLACE TRIGGER " + dialect.quote(deleteTrigger) + " AFTER DELETE ON " + t
                            + " FOR EACH ROW BEGIN\n"
                            + "  " + position + ";\n"
                            + "  INSERT INTO " + tracking + " (uid, " + change + ") VALUES (" + dialect.asText("OLD." + key)
                            + ", LAST_INSERT_ID());\n"
                            + "END");
                } else {
                    sql.add("DROP TRIGGER IF EXISTS " + dialect.quote(deleteTrigger));
                }
            }
            case SQLITE -> {
                sql.add("DROP TRIGGER IF EXISTS " + dialect.quote(table + "_tinsert"));
                sql.add("CREATE TRIGGER " + dialect.quote(table + "_tinsert") + " AFTER INSERT ON " + t + " BEGIN\n"
                        + "  " + bump + ";\n"
                        + "  UPDATE " + t + " SET " + change + " = " + current + " WHERE " + key + " = NEW." + key + ";\n"
                        + "END");
                sql.add("DROP TRIGGER IF EXISTS " + dialect.quote(table + "_tupdate"));
                sql.add("CREATE TRIGGER " + dialect.quote(table + "_tupdate") + " AFTER UPDATE ON " + t + " BEGIN\n"
                        + "  " + bump + ";\n"
                        + "  INSERT INTO " + tracking + " (uid, " + change + ", renamed_to) SELECT "
                        + dialect.asText("OLD." + key) + ", value, " + dialect.asText("NEW." + key) + " FROM " + COUNTER_TABLE
                        + " WHERE name = " + counter + " AND NEW." + key + " IS NOT OLD." + key + ";\n"
                        + "  UPDATE " + t + " SET " + change + " = " + current + " WHERE " + key + " = NEW." + key + ";\n"
                        + "END");
                sql.add("DROP TRIGGER IF EXISTS " + dialect.quote(deleteTrigger));
                if (settings.trackingTable()) {
                    sql.add("CREATE TRIGGER " + dialect.quote(deleteTrigger) + " AFTER DELETE ON " + t + " BEGIN\n"
                            + "  " + bump + ";\n"
                            + "  INSERT INTO " + tracking + " (uid, " + change + ") SELECT " + dialect.asText("OLD." + key)
                            + ", value FROM " + COUNTER_TABLE + " WHERE name = " + counter + ";\n"
                            + "END");
                }
            }
            default -> throw new IllegalStateException();
        }
        return sql;
    }
}
