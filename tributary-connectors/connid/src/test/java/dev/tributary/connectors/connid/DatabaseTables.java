package dev.tributary.connectors.connid;

import dev.tributary.connector.Connector;
import dev.tributary.connector.ConnectorProvider;
import dev.tributary.connector.testkit.ExternalDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table of people in a real PostgreSQL schema or MariaDB database, set up the way ConnId's
 * DatabaseTable connector syncs: an integer change-log column that a trigger sets from a counter
 * on every insert and update.
 */
final class DatabaseTables {

    enum Kind { POSTGRES, MARIADB }

    private DatabaseTables() {
    }

    static ExternalDatabases.Scratch create(Kind kind, String table) {
        ExternalDatabases.Scratch scratch = kind == Kind.POSTGRES ? ExternalDatabases.postgresSchema()
                : ExternalDatabases.mariadbDatabase();
        List<String> ddl = kind == Kind.POSTGRES ? List.of(
                "CREATE SEQUENCE " + table + "_changes",
                "CREATE TABLE " + table + " (id VARCHAR(64) PRIMARY KEY, name VARCHAR(200), email VARCHAR(200),"
                        + " age INTEGER, changelog BIGINT NOT NULL DEFAULT 0)",
                "CREATE FUNCTION " + table + "_touch() RETURNS trigger AS $$ BEGIN NEW.changelog := nextval('" + table
                        + "_changes'); RETURN NEW; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER " + table + "_touch BEFORE INSERT OR UPDATE ON " + table
                        + " FOR EACH ROW EXECUTE FUNCTION " + table + "_touch()")
                : List.of(
                "CREATE TABLE " + table + "_changes (n BIGINT NOT NULL)",
                "INSERT INTO " + table + "_changes VALUES (0)",
                "CREATE TABLE " + table + " (id VARCHAR(64) PRIMARY KEY, name VARCHAR(200), email VARCHAR(200),"
                        + " age INTEGER, changelog BIGINT NOT NULL DEFAULT 0)",
                "CREATE TRIGGER " + table + "_insert BEFORE INSERT ON " + table + " FOR EACH ROW BEGIN"
                        + " UPDATE " + table + "_changes SET n = n + 1; SET NEW.changelog = (SELECT n FROM " + table + "_changes); END",
                "CREATE TRIGGER " + table + "_update BEFORE UPDATE ON " + table + " FOR EACH ROW BEGIN"
                        + " UPDATE " + table + "_changes SET n = n + 1; SET NEW.changelog = (SELECT n FROM " + table + "_changes); END");
        execute(scratch.jdbcUrl(), ddl.toArray(String[]::new));
        if (kind == Kind.MARIADB) {
            // DatabaseTable insists on a password; the test server's root has none.
            String database = scratch.jdbcUrl().substring(scratch.jdbcUrl().lastIndexOf('/') + 1).replaceAll("\\?.*", "");
            execute(scratch.jdbcUrl(), "CREATE USER IF NOT EXISTS 'connid'@'%' IDENTIFIED BY 'connid-secret'",
                    "CREATE USER IF NOT EXISTS 'connid'@'localhost' IDENTIFIED BY 'connid-secret'",
                    "GRANT ALL ON " + database + ".* TO 'connid'@'%'", "GRANT ALL ON " + database + ".* TO 'connid'@'localhost'");
        }
        return scratch;
    }

    static void execute(String url, String... statements) {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The DatabaseTable connector's settings for the table. */
    static Map<String, Object> settings(Kind kind, String url, String table) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("jdbcDriver", kind == Kind.POSTGRES ? "org.postgresql.Driver" : "org.mariadb.jdbc.Driver");
        // The URL's own user (if any) gives way to the connector's user and password settings.
        settings.put("jdbcUrlTemplate", kind == Kind.MARIADB ? url.replace("user=root&", "").replace("user=root", "") : url);
        settings.put("user", kind == Kind.POSTGRES ? "postgres" : "connid");
        settings.put("password", kind == Kind.POSTGRES ? "unused" : "connid-secret");
        settings.put("table", table);
        settings.put("keyColumn", "id");
        settings.put("changeLogColumn", "changelog");
        return settings;
    }

    /** The bridged DatabaseTable connector, initialized. */
    static Connector connector(Map<String, Object> settings) {
        ConnectorProvider type = new ConnIdConnectorProvider(ConnIdBundlesTest.BUNDLES).types().stream()
                .filter(t -> t.name().equals("connid:DatabaseTable")).findFirst().orElseThrow();
        Connector connector = type.create();
        connector.init(connector.configDef().validate(settings));
        return connector;
    }
}
