package dev.tributary.connectors.jdbc;

class SqliteLateCommitDoesNotSkipIT extends LateCommitDoesNotSkipContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.sqlite();
    }
}
