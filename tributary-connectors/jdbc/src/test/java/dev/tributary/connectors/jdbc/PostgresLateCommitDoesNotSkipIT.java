package dev.tributary.connectors.jdbc;

class PostgresLateCommitDoesNotSkipIT extends LateCommitDoesNotSkipContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.postgres();
    }
}
