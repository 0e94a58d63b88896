package dev.tributary.connectors.connidbundle;

import org.identityconnectors.contract.test.SchemaApiOpTests;
import org.junit.jupiter.api.BeforeAll;

/** ConnId's Schema contract suite against Tributary's JDBC connector bundle on PostgreSQL. */
class JdbcBundleSchemaIT extends SchemaApiOpTests {

    @BeforeAll
    static void database() {
        ContractDatabase.prepare();
    }
}
