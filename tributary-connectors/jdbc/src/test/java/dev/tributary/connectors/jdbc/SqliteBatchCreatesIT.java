package dev.tributary.connectors.jdbc;

class SqliteBatchCreatesIT extends BatchCreatesContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.sqlite();
    }
}
