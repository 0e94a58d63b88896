package dev.tributary.connectors.jdbc;

import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.runtime.GuardedConnector;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Tests of a JDBC connector opened on a fresh fixture (its table {@code items}) for each test. */
abstract class OpenConnectorTest {

    static final ObjectClass ITEMS = new ObjectClass("items");

    protected JdbcFixture fixture;
    protected GuardedConnector connector;

    protected abstract JdbcFixture fixture() throws Exception;

    /** The connector's settings, made from a copy of the fixture's. */
    protected Map<String, Object> settings(Map<String, Object> fixtureSettings) {
        return fixtureSettings;
    }

    @BeforeEach
    void openConnector() throws Exception {
        fixture = fixture();
        connector = GuardedConnector.open(new JdbcConnector(), settings(new HashMap<>(fixture.settings())));
    }

    @AfterEach
    void closeConnector() throws Exception {
        connector.close();
        fixture.close();
    }
}
