package dev.tributary.connectors.jdbc;

class SqliteIntegerKeysIT extends IntegerKeysContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.sqlite();
    }
}
