package dev.tributary.connectors.connidbundle;

import java.util.stream.Stream;
import org.identityconnectors.contract.test.CreateApiOpTests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.provider.Arguments;

/** ConnId's Create contract suite against Tributary's JDBC connector bundle on PostgreSQL. */
class JdbcBundleCreateIT extends CreateApiOpTests {

    @BeforeAll
    static void database() {
        ContractDatabase.prepare();
    }

    /** Hides the suite's broken argument source (see {@link ContractDatabase#objectClasses()}). */
    protected static Stream<Arguments> objectClasses() {
        return ContractDatabase.objectClasses();
    }
}
