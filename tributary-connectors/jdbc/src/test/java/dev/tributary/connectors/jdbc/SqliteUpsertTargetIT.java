package dev.tributary.connectors.jdbc;

class SqliteUpsertTargetIT extends UpsertTargetContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.sqlite();
    }
}
