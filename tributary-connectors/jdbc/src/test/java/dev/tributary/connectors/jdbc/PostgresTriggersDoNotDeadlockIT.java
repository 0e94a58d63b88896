package dev.tributary.connectors.jdbc;

class PostgresTriggersDoNotDeadlockIT extends TriggersDoNotDeadlockContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.postgres();
    }
}
