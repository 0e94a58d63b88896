package dev.tributary.connectors.jdbc;

class PostgresBatchInsertVersionsIT extends BatchInsertVersionsContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.postgres();
    }
}
