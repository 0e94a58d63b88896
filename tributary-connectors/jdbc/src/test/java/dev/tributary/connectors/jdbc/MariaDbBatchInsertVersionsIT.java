package dev.tributary.connectors.jdbc;

class MariaDbBatchInsertVersionsIT extends BatchInsertVersionsContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.mariadb();
    }
}
