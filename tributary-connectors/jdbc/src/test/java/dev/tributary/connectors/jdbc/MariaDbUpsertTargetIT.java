package dev.tributary.connectors.jdbc;

class MariaDbUpsertTargetIT extends UpsertTargetContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.mariadb();
    }
}
