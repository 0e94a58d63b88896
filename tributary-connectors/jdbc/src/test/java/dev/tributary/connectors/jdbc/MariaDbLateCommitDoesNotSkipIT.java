package dev.tributary.connectors.jdbc;

class MariaDbLateCommitDoesNotSkipIT extends LateCommitDoesNotSkipContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.mariadb();
    }
}
