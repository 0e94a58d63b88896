package dev.tributary.connectors.jdbc;

class PostgresIntegerKeysIT extends IntegerKeysContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.postgres();
    }
}
