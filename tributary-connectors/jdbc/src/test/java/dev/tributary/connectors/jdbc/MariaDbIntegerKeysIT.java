package dev.tributary.connectors.jdbc;

class MariaDbIntegerKeysIT extends IntegerKeysContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.mariadb();
    }
}
