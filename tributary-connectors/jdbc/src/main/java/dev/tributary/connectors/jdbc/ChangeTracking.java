package dev.tributary.connectors.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs change-log tracking on a table: a change column kept by triggers, a tracking table
 * for deletions and renames, and a shared counter.
 *
 * <p>Implementation notes — <b>positions in commit order, again.</b> A change value taken from a
 * sequence by one transaction while others take values too can commit late, after a reader has
 * passed it, and the row would never be synced. So every insert, update and delete first locks a
 * row of {@code tributary_counter} — kept until the writing transaction ends — and only then takes
 * its value: on MariaDB and SQLite by incrementing that row, on PostgreSQL from a sequence that
 * only the lock holder draws from. Writers of tracked tables thus take their values one
 * transaction after another, and a value becomes visible only together with every smaller one;
 * a reader bounded by {@link #head} never skips a row. The price: writers of
 * the tracked tables (sharing one counter) are serialized from their first tracked write to their
 * commit; give unrelated tables different counters to keep them apart. SQLite allows one writer
 * anyway.
 *
 * <p>Renames (an update of the key column) are written to the tracking table with the new key, so
 * the sync can report the previous uid. Installing is idempotent: columns, tables and indexes are
 * created if missing, triggers replaced, and rows without a change value get one.
 */
final class ChangeTracking {

    static final String COUNTER_TABLE = "tributary_counter";

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
            for (String table : settings.tables()) {
                List<String> steps = new ArrayList<>();
                Tables.requireTable(connection, dialect, table);
                String column = settings.changeColumn();
                if (!Tables.hasColumn(connection, dialect, table, column)) {
                    statement.execute("ALTER TABLE " + dialect.quote(table) + " ADD COLUMN " + dialect.quote(column)
                            + " BIGINT");
                    steps.add("added column " + column);
                }
                statement.execute("CREATE INDEX IF NOT EXISTS " + dialect.quote(table + "_tchange_idx") + " ON "
                        + dialect.quote(table) + " (" + dialect.quote(column) + ")");
                String tracking = JdbcSettings.deletionTable(table);
                statement.execute("CREATE TABLE IF NOT EXISTS " + dialect.quote(tracking) + " (uid VARCHAR(1024) NOT NULL, "
                        + dialect.quote(column) + " BIGINT NOT NULL, renamed_to VARCHAR(1024))"
                        + (dialect == Dialect.MARIADB ? " ENGINE=InnoDB" : ""));
                statement.execute("CREATE INDEX IF NOT EXISTS " + dialect.quote(tracking + "_idx") + " ON "
                        + dialect.quote(tracking) + " (" + dialect.quote(column) + ")");
                steps.add("tracking table " + tracking);
                for (String sql : triggers(dialect, settings, table)) {
                    statement.execute(sql);
                }
                steps.add("triggers for inserts, updates" + (settings.trackingTable() ? " and deletes" : ""));
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
                    steps.add("gave " + backfill + " existing rows a change value");
                }
                done.add(new Installed(table, steps));
            }
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return done;
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
            statement.execute("CREATE SEQUENCE IF NOT EXISTS " + sequence(counter));
        }
    }

    /** The PostgreSQL sequence a counter's values come from. */
    static String sequence(String counter) {
        return "tributary_seq_" + counter;
    }

    /** Whether the counter exists (tracking was installed). */
    static boolean installed(Connection connection, Dialect dialect, String table, String column) throws SQLException {
        return Tables.hasTable(connection, dialect, COUNTER_TABLE) && Tables.hasColumn(connection, dialect, table, column)
                && Tables.hasTable(connection, dialect, JdbcSettings.deletionTable(table));
    }

    /**
     * The highest change value committed in these tables: a safe upper bound for a sync. On
     * MariaDB and SQLite it is the counter's committed value. On PostgreSQL the values come from a
     * sequence (updating the counter row for every row written made a large transaction
     * quadratic: each update leaves a row version the next must step over), so the bound is the
     * highest value visible in the tables — safe because a writer takes values only while holding
     * the counter row's lock, so every value of a transaction still in flight is above every
     * committed one.
     */
    static long head(Connection connection, Dialect dialect, JdbcSettings settings, List<String> tables)
            throws SQLException {
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
                String lock = "PERFORM 1 FROM " + COUNTER_TABLE + " WHERE name = " + counter + " FOR UPDATE";
                String next = "nextval('" + sequence(settings.counter()) + "')";
                sql.add("CREATE OR REPLACE FUNCTION " + dialect.quote(changeTrigger) + "() RETURNS trigger LANGUAGE plpgsql AS $f$\n"
                        + "BEGIN\n"
                        + "  " + lock + ";\n"
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
                            + "  " + lock + ";\n"
                            + "  INSERT INTO " + tracking + " (uid, " + change + ") VALUES (" + dialect.asText("OLD." + key) + ", "
                            + next + ");\n"
                            + "  RETURN OLD;\n"
                            + "END $f$");
                    sql.add("CREATE TRIGGER " + dialect.quote(deleteTrigger) + " AFTER DELETE ON " + t
                            + " FOR EACH ROW EXECUTE FUNCTION " + dialect.quote(deleteTrigger) + "()");
                }
            }
            case MARIADB -> {
                sql.add("DROP TRIGGER IF EXISTS " + dialect.quote(table + "_tinsert"));
                sql.add("CREATE TRIGGER " + dialect.quote(table + "_tinsert") + " BEFORE INSERT ON " + t + " FOR EACH ROW BEGIN\n"
                        + "  " + bump + ";\n"
                        + "  SET NEW." + change + " = " + current + ";\n"
                        + "END");
                sql.add("DROP TRIGGER IF EXISTS " + dialect.quote(table + "_tupdate"));
                sql.add("CREATE TRIGGER " + dialect.quote(table + "_tupdate") + " BEFORE UPDATE ON " + t + " FOR EACH ROW BEGIN\n"
                        + "  " + bump + ";\n"
                        + "  SET NEW." + change + " = " + current + ";\n"
                        + "  IF NOT (NEW." + key + " <=> OLD." + key + ") THEN\n"
                        + "    INSERT INTO " + tracking + " (uid, " + change + ", renamed_to) VALUES ("
                        + dialect.asText("OLD." + key) + ", NEW." + change + ", " + dialect.asText("NEW." + key) + ");\n"
                        + "  END IF;\n"
                        + "END");
                sql.add("DROP TRIGGER IF EXISTS " + dialect.quote(deleteTrigger));
                if (settings.trackingTable()) {
                    sql.add("CREATE TRIGGER " + dialect.quote(deleteTrigger) + " AFTER DELETE ON " + t + " FOR EACH ROW BEGIN\n"
                            + "  " + bump + ";\n"
                            + "  INSERT INTO " + tracking + " (uid, " + change + ") VALUES (" + dialect.asText("OLD." + key)
                            + ", " + current + ");\n"
                            + "END");
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
