package dev.tributary.connectors.connidbundle;

import dev.tributary.connector.testkit.ExternalDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import org.identityconnectors.framework.common.objects.ObjectClass;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The PostgreSQL table ConnId's contract suites work on: one scratch schema per test JVM (the
 * suites share one configuration, read once), dropped when the JVM ends. Its URL is published as
 * the system property the suites' config.groovy reads.
 */
final class ContractDatabase {

    static final String URL_PROPERTY = "tributary.contract.url";

    private static ExternalDatabases.Scratch scratch;

    private ContractDatabase() {
    }

    /** Makes the table (once) and publishes its URL; skips or, under CI, fails when PostgreSQL is unreachable. */
    static synchronized void prepare() {
        if (scratch != null) {
            return;
        }
        ExternalDatabases.Scratch made = ExternalDatabases.postgresSchema();
        try (Connection connection = DriverManager.getConnection(made.jdbcUrl());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE people (id BIGSERIAL PRIMARY KEY, name VARCHAR(200), email VARCHAR(200),"
                    + " age INTEGER, balance NUMERIC(12,2), active BOOLEAN, born DATE, seen_at TIMESTAMP, photo BYTEA,"
                    + " notes TEXT)");
        } catch (SQLException e) {
            made.close();
            throw new IllegalStateException("cannot create the contract table: " + e.getMessage(), e);
        }
        scratch = made;
        System.setProperty(URL_PROPERTY, made.jdbcUrl());
        Runtime.getRuntime().addShutdownHook(new Thread(made::close, "drop-contract-schema"));
    }

    /**
     * The object classes the suites run for. ConnId's own {@code objectClasses()} wraps its whole
     * list in one argument, so every parameterized suite fails before it starts; each suite here
     * hides that method with one that gives one argument per object class: the table's, and one
     * that does not exist (which the suites expect to be refused or skipped).
     */
    static Stream<Arguments> objectClasses() {
        return Stream.of(Arguments.of(new ObjectClass("people")), Arguments.of(new ObjectClass("NONEXISTING")));
    }
}
