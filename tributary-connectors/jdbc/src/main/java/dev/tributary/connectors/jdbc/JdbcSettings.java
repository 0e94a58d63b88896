package dev.tributary.connectors.jdbc;

import dev.tributary.connector.config.ConfigDef;
import dev.tributary.connector.config.ConfigType;
import dev.tributary.connector.config.ConnectorConfig;
import dev.tributary.connector.config.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The JDBC connector's settings, declared and parsed.
 *
 * @param url the JDBC URL
 * @param user the database user, or null
 * @param password the password, or null
 * @param tables the tables synced; each is an object class of the same name
 * @param keyColumn the primary-key column of every table; its value is the uid
 * @param changeDetection {@code changeLog} (a column kept by triggers) or {@code timestamp}
 * @param changeColumn the change-log or timestamp column
 * @param deletion {@code trackingTable}, {@code softDelete} or {@code none}
 * @param softDeleteColumn the boolean column marking deleted rows, for {@code softDelete}
 * @param counter the name of the change counter the triggers use
 * @param timestampLag rows newer than the database's time minus this are left for the next sync
 * @param batchSize rows per read and per write batch
 * @param keyGeneration {@code database} (the table generates keys) or {@code uuid}
 * @param installTriggers whether the connector installs change tracking when it starts
 * @param writeMode {@code tracked} (versions checked on every write, changes readable) or {@code
 *     upsert} (a write-only target: unconditional upserts and deletes, no change tracking needed)
 */
record JdbcSettings(String url, String user, Secret password, List<String> tables, String keyColumn,
        String changeDetection, String changeColumn, String deletion, String softDeleteColumn, String counter,
        Duration timestampLag, int batchSize, String keyGeneration, boolean installTriggers, String writeMode) {

    static final String CHANGE_LOG = "changeLog";
    static final String TIMESTAMP = "timestamp";
    static final String TRACKING_TABLE = "trackingTable";
    static final String SOFT_DELETE = "softDelete";
    static final String NONE = "none";
    static final String TRACKED = "tracked";
    static final String UPSERT = "upsert";

    static ConfigDef definition() {
        return new ConfigDef()
                .required("url", ConfigType.STRING,
                        "JDBC URL: jdbc:postgresql://…, jdbc:mariadb://… or jdbc:sqlite:<file>",
                        value -> Dialect.of((String) value) == null
                                ? "must start with jdbc:postgresql:, jdbc:mariadb:, jdbc:mysql: or jdbc:sqlite:" : null)
                .optional("user", ConfigType.STRING, "database user")
                .secret("password", false, "database password")
                .required("tables", ConfigType.LIST, "tables to sync, comma-separated; each is an object class",
                        value -> identifiers((List<?>) value))
                .withDefault("keyColumn", ConfigType.STRING, "id", "primary-key column of every table; its value is the uid",
                        JdbcSettings::identifier)
                .withDefault("changeDetection", ConfigType.STRING, CHANGE_LOG,
                        "changeLog (a column kept by triggers; see 'tributary connectors install-triggers') or timestamp",
                        ConfigDef.oneOf(CHANGE_LOG, TIMESTAMP))
                .withDefault("changeColumn", ConfigType.STRING, "tributary_change",
                        "the change-log column, or for timestamp detection the last-modified column",
                        JdbcSettings::identifier)
                .withDefault("deletion", ConfigType.STRING, TRACKING_TABLE,
                        "how deletions are found: trackingTable (filled by a trigger), softDelete or none",
                        ConfigDef.oneOf(TRACKING_TABLE, SOFT_DELETE, NONE))
                .optional("softDeleteColumn", ConfigType.STRING,
                        "boolean column marking deleted rows (deletion = softDelete)", JdbcSettings::identifier)
                .withDefault("counter", ConfigType.STRING, "default",
                        "name of the change counter the triggers share", JdbcSettings::identifier)
                .withDefault("timestampLag", ConfigType.DURATION, "PT2S",
                        "timestamp detection: rows newer than the database's clock minus this wait for the next sync")
                .withDefault("batchSize", ConfigType.INT, 500, "rows per read or write batch", ConfigDef.range(1, 10_000))
                .withDefault("keyGeneration", ConfigType.STRING, "database",
                        "keys of created rows: database (the table generates them) or uuid",
                        ConfigDef.oneOf("database", "uuid"))
                .withDefault("installTriggers", ConfigType.BOOLEAN, false,
                        "install change tracking (column, triggers, tracking table) when the connector starts")
                .withDefault("writeMode", ConfigType.STRING, TRACKED,
                        "tracked (writes check the row's version; changes can be read) or upsert (a write-only target:"
                                + " unconditional upserts and deletes, no change tracking, no conflict detection)",
                        ConfigDef.oneOf(TRACKED, UPSERT))
                .crossCheck(JdbcSettings::crossCheck);
    }

    private static String identifier(Object value) {
        return Dialect.isIdentifier((String) value) ? null
                : "must be a plain name (letters, digits, _; not starting with a digit), not '" + value + "'";
    }

    private static String identifiers(List<?> names) {
        if (names.isEmpty()) {
            return "must name at least one table";
        }
        for (Object name : names) {
            if (!Dialect.isIdentifier((String) name)) {
                return "must list plain table names (letters, digits, _), not '" + name + "'";
            }
        }
        return null;
    }

    private static List<String> crossCheck(ConnectorConfig config) {
        List<String> problems = new ArrayList<>();
        if (SOFT_DELETE.equals(config.getString("deletion")) && !config.has("softDeleteColumn")) {
            problems.add("'softDeleteColumn' is required when 'deletion' is softDelete");
        }
        if (TIMESTAMP.equals(config.getString("changeDetection")) && TRACKING_TABLE.equals(config.getString("deletion"))) {
            problems.add("'deletion' trackingTable needs 'changeDetection' changeLog; with timestamp detection use "
                    + "softDelete or none (and the engine's enumerate strategy)");
        }
        if (TIMESTAMP.equals(config.getString("changeDetection")) && config.getBoolean("installTriggers") == Boolean.TRUE) {
            problems.add("'installTriggers' applies to 'changeDetection' changeLog only");
        }
        if (UPSERT.equals(config.getString("writeMode")) && config.getBoolean("installTriggers") == Boolean.TRUE) {
            problems.add("'installTriggers' does not go with 'writeMode' upsert: an upsert target is written without"
                    + " change tracking");
        }
        return problems;
    }

    static JdbcSettings from(ConnectorConfig config) {
        return new JdbcSettings(config.getString("url"), config.getString("user"), config.getSecret("password"),
                config.getList("tables"), config.getString("keyColumn"), config.getString("changeDetection"),
                config.getString("changeColumn"), config.getString("deletion"), config.getString("softDeleteColumn"),
                config.getString("counter"), config.getDuration("timestampLag"), config.getInt("batchSize"),
                config.getString("keyGeneration"), config.getBoolean("installTriggers"), config.getString("writeMode"));
    }

    Dialect dialect() {
        return Dialect.of(url);
    }

    boolean changeLog() {
        return CHANGE_LOG.equals(changeDetection);
    }

    /** A write-only target written with unconditional upserts (no versions, no change tracking). */
    boolean upsert() {
        return UPSERT.equals(writeMode);
    }

    boolean trackingTable() {
        return TRACKING_TABLE.equals(deletion);
    }

    boolean softDelete() {
        return SOFT_DELETE.equals(deletion);
    }

    /** The tracking table of a table. */
    static String deletionTable(String table) {
        return table + "_tdel";
    }
}
