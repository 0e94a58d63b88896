package dev.tributary.connectors.jdbc;

class MariaDbBatchCreatesIT extends BatchCreatesContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.mariadb();
    }
}
