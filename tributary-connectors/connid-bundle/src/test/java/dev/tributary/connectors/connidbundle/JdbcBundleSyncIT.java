package dev.tributary.connectors.connidbundle;

import java.util.stream.Stream;
import org.identityconnectors.contract.test.SyncApiOpTests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.provider.Arguments;

/** ConnId's Sync contract suite against Tributary's JDBC connector bundle on PostgreSQL. */
class JdbcBundleSyncIT extends SyncApiOpTests {

    @BeforeAll
    static void database() {
        ContractDatabase.prepare();
    }

    /** Hides the suite's broken argument source (see {@link ContractDatabase#objectClasses()}). */
    protected static Stream<Arguments> objectClasses() {
        return ContractDatabase.objectClasses();
    }
}
