package dev.tributary.connectors.connidbundle;

import java.util.stream.Stream;
import org.identityconnectors.contract.test.GetApiOpTests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.provider.Arguments;

/** ConnId's Get contract suite against Tributary's JDBC connector bundle on PostgreSQL. */
class JdbcBundleGetIT extends GetApiOpTests {

    @BeforeAll
    static void database() {
        ContractDatabase.prepare();
    }

    /** Hides the suite's broken argument source (see {@link ContractDatabase#objectClasses()}). */
    protected static Stream<Arguments> objectClasses() {
        return ContractDatabase.objectClasses();
    }
}
