package dev.tributary.connectors.jdbc;

class SqliteBatchInsertVersionsIT extends BatchInsertVersionsContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.sqlite();
    }
}
