package dev.tributary.connector.testkit;

import dev.tributary.connector.Connector;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.Uid;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a connector module gives the contract tests: a fresh external system (empty, one object
 * class) and ways to change it behind the connector's back, the way its users would.
 *
 * <p>One fixture is created per test and closed after it.
 */
public interface ConnectorFixture extends AutoCloseable {

    /** A new, uninitialized connector. */
    Connector newConnector();

    /** Valid settings for {@link #newConnector()} that reach this fixture's system. */
    Map<String, Object> settings();

    /** The object class the tests use. */
    ObjectClass objectClass();

    /**
     * Distinct field values for the n-th object (no uid among them); the tests compare what the
     * connector reads back with these, numbers by value.
     */
    Map<String, Object> fields(int n);

    /** Creates an object directly in the external system; returns its uid. */
    Uid createExternally(Map<String, Object> fields);

    /** Changes an object directly in the external system. */
    void updateExternally(Uid uid, Map<String, Object> fields);

    /** Deletes an object directly in the external system. */
    void deleteExternally(Uid uid);

    /**
     * Renames an object directly in the external system (gives it {@code newUid}), if the system
     * can; empty when it cannot, and the rename test is then skipped.
     */
    default Optional<Uid> renameExternally(Uid uid, String newUid) {
        return Optional.empty();
    }

    /**
     * Whether the connector tells a create from an update; when false, CREATE_OR_UPDATE is
     * accepted for both.
     */
    default boolean distinguishesCreatesFromUpdates() {
        return true;
    }

    /** Settings with several problems at once. */
    Map<String, Object> invalidSettings();

    /** The setting names each problem of {@link #invalidSettings()} is about; every one must be reported. */
    Set<String> invalidSettingNames();

    @Override
    void close() throws Exception;
}
