package dev.tributary.connectors.connidbundle;

import java.util.stream.Stream;
import org.identityconnectors.contract.test.UpdateApiOpTests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.provider.Arguments;

/** ConnId's Update contract suite against Tributary's JDBC connector bundle on PostgreSQL. */
class JdbcBundleUpdateIT extends UpdateApiOpTests {

    @BeforeAll
    static void database() {
        ContractDatabase.prepare();
    }

    /** Hides the suite's broken argument source (see {@link ContractDatabase#objectClasses()}). */
    protected static Stream<Arguments> objectClasses() {
        return ContractDatabase.objectClasses();
    }
}
