package dev.tributary.connectors.jdbc;

class PostgresBatchCreatesIT extends BatchCreatesContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.postgres();
    }
}
